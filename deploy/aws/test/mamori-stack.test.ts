import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { environmentSchema } from "../../../src/config/index.js";
import { MamoriStack, type WebAclResource } from "../lib/mamori-stack.js";
import { readWebAcl } from "../lib/web-acl-file.js";

const run = promisify(execFile);
const awsFolder = fileURLToPath(new URL("..", import.meta.url));

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

function synthesise(webAcl?: WebAclResource): Template {
  return Template.fromStack(new MamoriStack(new App(), "Mamori", { webAcl }));
}

/** The logical id of the only resource of `type`. */
function onlyOf(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  assert.equal(ids.length, 1, `one ${type}`);
  return ids[0]!;
}

// docs/deployment.md, "AWS": the security properties of the synthesised CloudFormation template.
describe("the AWS stack (deploy/aws)", () => {
  let template: Template;
  before(() => {
    template = synthesise();
  });

  it("synthesises through the CDK app's own entry point, as `cdk synth` runs it", { timeout: 120_000 }, async () => {
    const outdir = await mkdtemp(path.join(os.tmpdir(), "mamori-cdk-out-"));
    try {
      await run(process.execPath, ["--import", "tsx", "bin/mamori.ts"], { cwd: awsFolder, env: { ...process.env, CDK_OUTDIR: outdir } });
      const synthesised = JSON.parse(await readFile(path.join(outdir, "Mamori.template.json"), "utf8")) as { Resources: Resources };
      const types = new Set(Object.values(synthesised.Resources).map((resource) => resource.Type));
      for (const type of ["AWS::ECS::Service", "AWS::RDS::DBInstance", "AWS::ElastiCache::ReplicationGroup", "AWS::S3::Bucket", "AWS::WAFv2::WebACLAssociation"]) assert.ok(types.has(type), type);
    } finally {
      await rm(outdir, { recursive: true, force: true });
    }
  });

  it("keeps the database private, Multi-AZ, encrypted with the storage key, TLS-only and backed up for 35 days", () => {
    template.hasResourceProperties("AWS::RDS::DBInstance", {
      PubliclyAccessible: false,
      MultiAZ: true,
      StorageEncrypted: true,
      KmsKeyId: { "Fn::GetAtt": [Match.stringLikeRegexp("^StorageKey"), "Arn"] },
      BackupRetentionPeriod: 35,
      DeletionProtection: true,
    });
    template.hasResourceProperties("AWS::RDS::DBParameterGroup", { Parameters: Match.objectLike({ "rds.force_ssl": "1", log_parameter_max_length: "0" }) });
    const subnetGroup = Object.values(template.findResources("AWS::RDS::DBSubnetGroup"))[0]!;
    for (const subnet of (subnetGroup["Properties"] as { SubnetIds: { Ref: string }[] }).SubnetIds) assert.match(subnet.Ref, /privateSubnet/);
  });

  it("encrypts Redis in transit and at rest and requires an AUTH token from Secrets Manager", () => {
    template.hasResourceProperties("AWS::ElastiCache::ReplicationGroup", {
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: "required",
      AtRestEncryptionEnabled: true,
      MultiAZEnabled: true,
      AuthToken: Match.objectLike({ "Fn::Join": Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp("resolve:secretsmanager")])]) }),
    });
  });

  it("lets no address reach the database, the cache or the tasks except through the load balancer", () => {
    const groups = template.findResources("AWS::EC2::SecurityGroup") as Resources;
    const openToWorld = Object.entries(groups).flatMap(([id, group]) =>
      ((group.Properties["SecurityGroupIngress"] as { CidrIp?: unknown; FromPort: number }[] | undefined) ?? []).filter((rule) => rule.CidrIp !== undefined).map((rule) => `${id}:${rule.FromPort}`),
    );
    // The load balancer's two listeners take the ClientCidr parameter; nothing else takes an address range.
    assert.deepEqual(openToWorld.map((rule) => rule.replace(/^LoadBalancerSecurityGroup[0-9A-F]+/, "LoadBalancerSecurityGroup")).sort(), ["LoadBalancerSecurityGroup:443", "LoadBalancerSecurityGroup:80"]);
    for (const [port, target] of [[5432, "DatabaseSecurityGroup"], [6379, "CacheSecurityGroup"], [8443, "TaskSecurityGroup"]] as const) {
      const ingress = Object.values(template.findResources("AWS::EC2::SecurityGroupIngress") as Resources).filter(
        (rule) => rule.Properties["FromPort"] === port && JSON.stringify(rule.Properties["GroupId"]).includes(target),
      );
      assert.equal(ingress.length, 1, `${target} ${port}`);
      assert.ok(ingress[0]!.Properties["SourceSecurityGroupId"], `${target} is reached from a security group, not an address range`);
    }
    template.resourceCountIs("AWS::EC2::NatGateway", 0);
  });

  it("terminates TLS 1.2+ at the load balancer, redirects HTTP, drops invalid headers and has the web ACL on it", () => {
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", { Protocol: "HTTPS", Port: 443, SslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", { Protocol: "HTTP", Port: 80, DefaultActions: [Match.objectLike({ Type: "redirect", RedirectConfig: Match.objectLike({ Protocol: "HTTPS" }) })] });
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", {
      LoadBalancerAttributes: Match.arrayWith([{ Key: "routing.http.drop_invalid_header_fields.enabled", Value: "true" }]),
    });
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", { Protocol: "HTTPS", Port: 8443, HealthCheckPath: "/health/ready" });
    const loadBalancer = onlyOf(template, "AWS::ElasticLoadBalancingV2::LoadBalancer");
    template.hasResourceProperties("AWS::WAFv2::WebACLAssociation", { ResourceArn: { Ref: loadBalancer }, WebACLArn: { Ref: "WebAclArn" } });
  });

  it("runs two Fargate tasks, non-root with read-only root filesystems, in isolated subnets without public addresses", () => {
    template.hasResourceProperties("AWS::ECS::Service", {
      DesiredCount: 2,
      LaunchType: "FARGATE",
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: "DISABLED" }) },
    });
    template.hasResourceProperties("AWS::ECS::TaskDefinition", {
      ContainerDefinitions: [Match.objectLike({ ReadonlyRootFilesystem: true, User: "10001:10001", StopTimeout: 60 })],
    });
  });

  it("gives the tasks only settings src/config defines, with the connection URLs from Secrets Manager", () => {
    const task = Object.values(template.findResources("AWS::ECS::TaskDefinition") as Resources)[0]!;
    const [container] = task.Properties["ContainerDefinitions"] as { Environment: { Name: string }[]; Secrets: { Name: string }[] }[];
    const known = new Set(Object.keys(environmentSchema.shape));
    const names = [...container!.Environment, ...container!.Secrets].map((variable) => variable.Name);
    for (const name of names) assert.ok(known.has(name), `${name} is not a Mamori setting`);
    assert.deepEqual(container!.Secrets.map((secret) => secret.Name).sort(), ["DATABASE_URL", "REDIS_URL"]);
    assert.ok(!container!.Environment.some((variable) => /URL$|PASSWORD|TOKEN|SECRET/.test(variable.Name) && variable.Name !== "MAMORI_PUBLIC_URL"));
    assert.ok(names.includes("MAMORI_KMS"));
  });

  it("keeps Mamori's master key in AWS KMS with rotation, usable by the task role for Encrypt and Decrypt only", () => {
    const keys = template.findResources("AWS::KMS::Key") as Resources;
    assert.equal(Object.keys(keys).length, 2);
    for (const key of Object.values(keys)) assert.equal(key.Properties["EnableKeyRotation"], true);
    const masterKey = Object.keys(keys).find((id) => id.startsWith("MasterKey"))!;
    const task = Object.values(template.findResources("AWS::ECS::TaskDefinition") as Resources)[0]!;
    const [container] = task.Properties["ContainerDefinitions"] as { Environment: { Name: string; Value: unknown }[] }[];
    assert.deepEqual(container!.Environment.find((variable) => variable.Name === "MAMORI_AWS_KMS_KEY_ID")?.Value, { "Fn::GetAtt": [masterKey, "Arn"] });
    const statements = Object.values(template.findResources("AWS::IAM::Policy") as Resources).flatMap(
      (policy) => (policy.Properties["PolicyDocument"] as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement,
    );
    const onMasterKey = statements.filter((statement) => JSON.stringify(statement.Resource).includes(masterKey));
    assert.deepEqual(onMasterKey.map((statement) => [statement.Action].flat().sort()), [["kms:Decrypt", "kms:Encrypt"]]);
    assert.ok(!statements.some((statement) => [statement.Action].flat().includes("kms:*")));
  });

  it("locks the archive bucket in compliance mode, encrypted, private and TLS-only", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: { Ref: "ObjectLockRetentionDays" } } } },
      VersioningConfiguration: { Status: "Enabled" },
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: "aws:kms" }) })] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    template.hasResourceProperties("AWS::S3::BucketPolicy", {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })]) },
    });
    const statements = Object.values(template.findResources("AWS::IAM::Policy") as Resources).flatMap((policy) => (policy.Properties["PolicyDocument"] as { Statement: { Action: string | string[] }[] }).Statement);
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    const onArchive = actions.filter((action) => action.startsWith("s3:"));
    assert.deepEqual(onArchive, ["s3:PutObject"], "the tasks may add objects, and neither delete them nor change a lock");
  });

  it("encrypts the logs, the checkpoint file system and the secrets with the storage key", () => {
    const storageKey = { "Fn::GetAtt": [Match.stringLikeRegexp("^StorageKey"), "Arn"] };
    template.hasResourceProperties("AWS::Logs::LogGroup", { KmsKeyId: storageKey });
    template.hasResourceProperties("AWS::EFS::FileSystem", { Encrypted: true });
    for (const secret of Object.values(template.findResources("AWS::SecretsManager::Secret") as Resources)) assert.ok(secret.Properties["KmsKeyId"], JSON.stringify(secret.Properties["Description"]));
    // The connection URLs are CloudFormation references resolved at deployment, never a password in the template.
    for (const secret of Object.values(template.findResources("AWS::SecretsManager::Secret") as Resources)) {
      const value = JSON.stringify(secret.Properties["SecretString"] ?? "");
      if (value !== '""') assert.match(value, /resolve:secretsmanager/);
    }
  });

  it("creates the web ACL from waf-webacl.json when the file is there and puts that one on the load balancer", async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), "mamori-waf-"));
    try {
      const file = path.join(folder, "waf-webacl.json");
      const resource = { Type: "AWS::WAFv2::WebACL", Properties: { Name: "mamori", Scope: "REGIONAL", DefaultAction: { Allow: {} }, Rules: [], VisibilityConfig: { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: "mamori" } } };
      await writeFile(file, JSON.stringify(resource));
      const withAcl = synthesise(readWebAcl(new URL(`file://${file}`)));
      withAcl.hasResourceProperties("AWS::WAFv2::WebACL", { Scope: "REGIONAL", Name: "mamori" });
      const webAcl = onlyOf(withAcl, "AWS::WAFv2::WebACL");
      withAcl.hasResourceProperties("AWS::WAFv2::WebACLAssociation", { WebACLArn: { "Fn::GetAtt": [webAcl, "Arn"] } });
      assert.equal(withAcl.toJSON()["Parameters"]["WebAclArn"], undefined);

      await writeFile(file, JSON.stringify({ ...resource, Properties: { ...resource.Properties, Scope: "CLOUDFRONT" } }));
      assert.throws(() => readWebAcl(new URL(`file://${file}`)), /REGIONAL/);
      assert.equal(readWebAcl(new URL(`file://${folder}/absent.json`)), undefined);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
