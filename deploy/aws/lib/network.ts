import * as ec2 from "aws-cdk-lib/aws-ec2";
import type { Construct } from "constructs";

/** Subnets with no route out: tasks, database, cache and file system. */
export const isolatedSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

export interface Network {
  vpc: ec2.Vpc;
  /** Lets `peer` (the tasks' security group) use the interface endpoints, which are open to no one else. */
  openEndpointsTo(peer: ec2.IConnectable): void;
}

/**
 * A VPC over two zones: public subnets for the load balancer, isolated subnets without NAT for the rest, flow logs
 * on. The tasks reach AWS only through endpoints: the image (ECR and S3), logs, keys and secrets.
 */
export function createNetwork(scope: Construct): Network {
  const vpc = new ec2.Vpc(scope, "Vpc", {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      { name: "public", subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: "private", subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  });
  vpc.addFlowLog("FlowLog");
  vpc.addGatewayEndpoint("S3Endpoint", { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [isolatedSubnets] });
  const endpoints = Object.entries({
    EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
    EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
    Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    Kms: ec2.InterfaceVpcEndpointAwsService.KMS,
    SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  }).map(([name, service]) => vpc.addInterfaceEndpoint(`${name}Endpoint`, { service, subnets: isolatedSubnets, privateDnsEnabled: true, open: false }));
  return {
    vpc,
    openEndpointsTo(peer) {
      for (const endpoint of endpoints) endpoint.connections.allowDefaultPortFrom(peer, "Mamori tasks");
    },
  };
}
