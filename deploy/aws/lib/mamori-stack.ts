import { CfnOutput, CfnParameter, CfnResource, Duration, Fn, RemovalPolicy, SecretValue, Stack, type StackProps } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as efs from "aws-cdk-lib/aws-efs";
import * as elasticache from "aws-cdk-lib/aws-elasticache";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as rds from "aws-cdk-lib/aws-rds";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as wafv2 from "aws-cdk-lib/aws-wafv2";
import type { Construct } from "constructs";
import { createNetwork, isolatedSubnets } from "./network.js";

/** An AWS::WAFv2::WebACL resource as CloudFormation writes it (deploy/aws/waf-webacl.json). */
export interface WebAclResource {
  Type: "AWS::WAFv2::WebACL";
  Properties: Record<string, unknown>;
}

export interface MamoriStackProps extends StackProps {
  /** The web ACL to create and put on the load balancer; without it, an existing web ACL's ARN is a parameter. */
  webAcl?: WebAclResource;
}

/** The image's user (Dockerfile: useradd --uid 10001). */
const imageUser = "10001:10001";
const containerPort = 8443;
/** docs/deployment.md: a little above the health check interval times its unhealthy threshold. */
const shutdownDelaySeconds = 15;
/** Password characters that would need escaping inside a connection URL. */
const urlUnsafeCharacters = " %+~`#$&*()|[]{}:;<>?!'/@\"\\=,^.";

/**
 * Mamori's AWS shape (docs/deployment.md, "AWS"): two Fargate tasks with read-only root filesystems behind an ALB
 * with a TLS 1.2+ policy and AWS WAF; RDS for PostgreSQL and ElastiCache for Redis in isolated subnets, encrypted
 * with a customer-managed KMS key; Mamori's master key in AWS KMS; an Object Lock bucket in compliance mode for
 * signed audit checkpoints and backups; logs in CloudWatch; secrets in Secrets Manager.
 */
export class MamoriStack extends Stack {
  constructor(scope: Construct, id: string, props: MamoriStackProps = {}) {
    super(scope, id, props);

    const certificateArn = new CfnParameter(this, "CertificateArn", { description: "ACM certificate of the public name, in this region." });
    const imageUri = new CfnParameter(this, "ImageUri", { description: "Mamori image built from the repository's Dockerfile, e.g. <account>.dkr.ecr.<region>.amazonaws.com/mamori:0.1.0." });
    const publicUrl = new CfnParameter(this, "PublicUrl", { description: "The address people use (MAMORI_PUBLIC_URL), e.g. https://karte.example-hospital.jp.", allowedPattern: "https://.+" });
    const clientCidr = new CfnParameter(this, "ClientCidr", { default: "0.0.0.0/0", description: "Addresses allowed to reach the load balancer (the hospital's egress addresses, or 0.0.0.0/0 for the patient portal)." });
    const retentionDays = new CfnParameter(this, "ObjectLockRetentionDays", { type: "Number", default: 1827, minValue: 1, description: "Compliance-mode retention of checkpoints and backups in the archive bucket (1827 days: the 5 years of 診療録)." });

    // --- network: the ALB in public subnets; tasks, database and cache in isolated subnets with no route out ---
    const network = createNetwork(this);
    const vpc = network.vpc;
    const isolated = isolatedSubnets;

    // --- keys: one for Mamori's envelope encryption (task role only), one for storage at rest ---
    const masterKey = new kms.Key(this, "MasterKey", { description: "Mamori master key: wraps KEKs and backup keys (MAMORI_KMS=aws)", enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    const storageKey = new kms.Key(this, "StorageKey", { description: "Mamori storage at rest: database, cache, file system, bucket, logs, secrets", enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    storageKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        resources: ["*"],
        conditions: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*` } },
      }),
    );

    const taskSecurityGroup = new ec2.SecurityGroup(this, "TaskSecurityGroup", { vpc, description: "Mamori tasks: reached by the load balancer only", allowAllOutbound: true });
    network.openEndpointsTo(taskSecurityGroup);

    // --- PostgreSQL ---
    const databaseSecurityGroup = new ec2.SecurityGroup(this, "DatabaseSecurityGroup", { vpc, description: "Mamori database: reached by the tasks only", allowAllOutbound: false });
    databaseSecurityGroup.addIngressRule(taskSecurityGroup, ec2.Port.tcp(5432), "Mamori tasks");
    const database = new rds.DatabaseInstance(this, "Database", {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE),
      vpc,
      vpcSubnets: isolated,
      securityGroups: [databaseSecurityGroup],
      publiclyAccessible: false,
      multiAz: true,
      storageEncrypted: true,
      storageEncryptionKey: storageKey,
      allocatedStorage: 100,
      maxAllocatedStorage: 1000,
      databaseName: "mamori",
      credentials: rds.Credentials.fromGeneratedSecret("mamori", { encryptionKey: storageKey, excludeCharacters: urlUnsafeCharacters }),
      backupRetention: Duration.days(35),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      iamAuthentication: false,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: storageKey,
      cloudwatchLogsExports: ["postgresql"],
      parameters: {
        // docs/deployment.md, "PostgreSQL": TLS only; slow or failed statements logged without their values.
        "rds.force_ssl": "1",
        log_min_duration_statement: "1000",
        log_parameter_max_length: "0",
        log_parameter_max_length_on_error: "0",
      },
    });
    const databaseSecret = database.secret!;

    // --- Redis: TLS in transit, AUTH, encrypted at rest, a replica in the other zone ---
    const cacheSecurityGroup = new ec2.SecurityGroup(this, "CacheSecurityGroup", { vpc, description: "Mamori cache: reached by the tasks only", allowAllOutbound: false });
    cacheSecurityGroup.addIngressRule(taskSecurityGroup, ec2.Port.tcp(6379), "Mamori tasks");
    const cacheAuthToken = new secretsmanager.Secret(this, "CacheAuthToken", {
      description: "Mamori: Redis AUTH token",
      encryptionKey: storageKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    const cacheSubnets = new elasticache.CfnSubnetGroup(this, "CacheSubnets", { description: "Mamori cache", subnetIds: vpc.selectSubnets(isolated).subnetIds });
    const cache = new elasticache.CfnReplicationGroup(this, "Cache", {
      replicationGroupDescription: "Mamori rate-limit counters",
      engine: "redis",
      engineVersion: "7.1",
      cacheNodeType: "cache.t4g.small",
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      atRestEncryptionEnabled: true,
      kmsKeyId: storageKey.keyId,
      authToken: cacheAuthToken.secretValue.unsafeUnwrap(),
      cacheSubnetGroupName: cacheSubnets.ref,
      securityGroupIds: [cacheSecurityGroup.securityGroupId],
      cacheParameterGroupName: new elasticache.CfnParameterGroup(this, "CacheParameters", {
        cacheParameterGroupFamily: "redis7",
        description: "Mamori: every key has an expiry",
        properties: { "maxmemory-policy": "volatile-ttl" },
      }).ref,
    });

    // Mamori reads whole connection URLs. These secrets hold CloudFormation references to the generated passwords,
    // resolved by CloudFormation at deployment: the template never contains a password.
    // The database connection is encrypted (rds.force_ssl); the image carries no RDS CA bundle, so the server's
    // certificate is not verified (docs/deployment.md, "AWS").
    const databaseUrl = new secretsmanager.Secret(this, "DatabaseUrl", {
      description: "Mamori: DATABASE_URL",
      encryptionKey: storageKey,
      secretStringValue: SecretValue.unsafePlainText(
        Fn.join("", ["postgres://mamori:", databaseSecret.secretValueFromJson("password").unsafeUnwrap(), "@", database.dbInstanceEndpointAddress, ":", database.dbInstanceEndpointPort, "/mamori?sslmode=no-verify"]),
      ),
    });
    const redisUrl = new secretsmanager.Secret(this, "RedisUrl", {
      description: "Mamori: REDIS_URL",
      encryptionKey: storageKey,
      secretStringValue: SecretValue.unsafePlainText(Fn.join("", ["rediss://:", cacheAuthToken.secretValue.unsafeUnwrap(), "@", cache.attrPrimaryEndPointAddress, ":", cache.attrPrimaryEndPointPort])),
    });

    // --- write-once archive: signed audit checkpoints and backups, locked in compliance mode ---
    const archive = new s3.Bucket(this, "Archive", {
      versioned: true,
      objectLockEnabled: true,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: storageKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const archiveBucket = archive.node.defaultChild as s3.CfnBucket;
    archiveBucket.objectLockConfiguration = { objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "COMPLIANCE", days: retentionDays.valueAsNumber } } };

    // Checkpoints are written by every task into one folder (MAMORI_AUDIT_CHECKPOINT_DIR), then copied to the archive.
    const checkpointFileSystemSecurityGroup = new ec2.SecurityGroup(this, "CheckpointFileSystemSecurityGroup", { vpc, description: "Mamori checkpoint folder", allowAllOutbound: false });
    checkpointFileSystemSecurityGroup.addIngressRule(taskSecurityGroup, ec2.Port.tcp(2049), "Mamori tasks");
    const checkpointFileSystem = new efs.FileSystem(this, "CheckpointFileSystem", {
      vpc,
      vpcSubnets: isolated,
      securityGroup: checkpointFileSystemSecurityGroup,
      encrypted: true,
      kmsKey: storageKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const checkpointAccessPoint = checkpointFileSystem.addAccessPoint("CheckpointAccessPoint", {
      path: "/audit-checkpoints",
      posixUser: { uid: "10001", gid: "10001" },
      createAcl: { ownerUid: "10001", ownerGid: "10001", permissions: "700" },
    });

    // --- the service ---
    const logGroup = new logs.LogGroup(this, "Logs", { encryptionKey: storageKey, retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    const cluster = new ecs.Cluster(this, "Cluster", { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    const task = new ecs.FargateTaskDefinition(this, "Task", {
      cpu: 1024,
      memoryLimitMiB: 2048,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
      // Fargate has no tmpfs: the data folder and /tmp are the task's own ephemeral storage, lost with the task.
      volumes: [
        { name: "data" },
        { name: "tmp" },
        {
          name: "checkpoints",
          efsVolumeConfiguration: { fileSystemId: checkpointFileSystem.fileSystemId, transitEncryption: "ENABLED", authorizationConfig: { accessPointId: checkpointAccessPoint.accessPointId, iam: "ENABLED" } },
        },
      ],
    });
    checkpointFileSystem.grant(task.taskRole, "elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite");
    // docs/operations-backup.md: the AWS provider needs only Encrypt and Decrypt on the master key.
    task.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ["kms:Encrypt", "kms:Decrypt"], resources: [masterKey.keyArn] }));
    // Copying checkpoints and backups into the archive: adding objects only, never deleting them or touching a lock.
    task.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ["s3:PutObject"], resources: [archive.arnForObjects("*")] }));
    storageKey.grant(task.taskRole, "kms:GenerateDataKey");

    const container = task.addContainer("mamori", {
      image: ecs.ContainerImage.fromRegistry(imageUri.valueAsString),
      readonlyRootFilesystem: true,
      user: imageUser,
      portMappings: [{ containerPort, protocol: ecs.Protocol.TCP }],
      stopTimeout: Duration.seconds(60),
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: "mamori" }),
      healthCheck: { command: ["CMD", "node", "deploy/container/health-live.mjs"], interval: Duration.seconds(15), timeout: Duration.seconds(5), retries: 3, startPeriod: Duration.seconds(90) },
      environment: {
        MAMORI_DATA_DIR: "/var/lib/mamori",
        MAMORI_AUDIT_CHECKPOINT_DIR: "/var/lib/mamori-checkpoints",
        MAMORI_KMS: "aws",
        MAMORI_AWS_KMS_KEY_ID: masterKey.keyArn,
        MAMORI_AWS_REGION: this.region,
        MAMORI_PUBLIC_URL: publicUrl.valueAsString,
        MAMORI_TRUSTED_PROXIES: Fn.join(",", vpc.publicSubnets.map((subnet) => subnet.ipv4CidrBlock)),
        MAMORI_METRICS_NETWORKS: vpc.vpcCidrBlock,
        MAMORI_SHUTDOWN_DELAY_SECONDS: String(shutdownDelaySeconds),
        MAMORI_DATA_CENTRE_LOCATION: this.region,
      },
      secrets: {
        DATABASE_URL: ecs.Secret.fromSecretsManager(databaseUrl),
        REDIS_URL: ecs.Secret.fromSecretsManager(redisUrl),
      },
    });
    container.addMountPoints(
      { containerPath: "/var/lib/mamori", sourceVolume: "data", readOnly: false },
      { containerPath: "/tmp", sourceVolume: "tmp", readOnly: false },
      { containerPath: "/var/lib/mamori-checkpoints", sourceVolume: "checkpoints", readOnly: false },
    );

    const service = new ecs.FargateService(this, "Service", {
      cluster,
      taskDefinition: task,
      desiredCount: 2,
      vpcSubnets: isolated,
      securityGroups: [taskSecurityGroup],
      assignPublicIp: false,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
      enableExecuteCommand: false,
    });

    // --- load balancer: TLS 1.2+ towards people, HTTPS to the tasks ---
    const albSecurityGroup = new ec2.SecurityGroup(this, "LoadBalancerSecurityGroup", { vpc, description: "Mamori load balancer", allowAllOutbound: false });
    albSecurityGroup.addIngressRule(ec2.Peer.ipv4(clientCidr.valueAsString), ec2.Port.tcp(443), "HTTPS");
    albSecurityGroup.addIngressRule(ec2.Peer.ipv4(clientCidr.valueAsString), ec2.Port.tcp(80), "redirect to HTTPS");
    const loadBalancer = new elbv2.ApplicationLoadBalancer(this, "LoadBalancer", {
      vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup: albSecurityGroup,
      dropInvalidHeaderFields: true,
      xffHeaderProcessingMode: elbv2.XffHeaderProcessingMode.APPEND,
    });
    const https = loadBalancer.addListener("Https", {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      // Opened to ClientCidr by the security group above, not to everyone.
      open: false,
      certificates: [elbv2.ListenerCertificate.fromArn(certificateArn.valueAsString)],
    });
    loadBalancer.addRedirect({ sourcePort: 80, sourceProtocol: elbv2.ApplicationProtocol.HTTP, targetPort: 443, targetProtocol: elbv2.ApplicationProtocol.HTTPS, open: false });
    https.addTargets("Mamori", {
      port: containerPort,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      targets: [service],
      deregistrationDelay: Duration.seconds(shutdownDelaySeconds + 5),
      healthCheck: { path: "/health/ready", protocol: elbv2.Protocol.HTTPS, interval: Duration.seconds(5), timeout: Duration.seconds(3), healthyThresholdCount: 2, unhealthyThresholdCount: 2, healthyHttpCodes: "200" },
    });

    // --- AWS WAF on the load balancer ---
    let webAclArn: string;
    if (props.webAcl) {
      const webAcl = new CfnResource(this, "WebAcl", { type: props.webAcl.Type, properties: props.webAcl.Properties });
      webAclArn = webAcl.getAtt("Arn").toString();
    } else {
      webAclArn = new CfnParameter(this, "WebAclArn", { description: "ARN of a REGIONAL AWS WAF web ACL (deploy/aws/waf-webacl.json was not present at synthesis)." }).valueAsString;
    }
    new wafv2.CfnWebACLAssociation(this, "WebAclAssociation", { resourceArn: loadBalancer.loadBalancerArn, webAclArn });

    new CfnOutput(this, "LoadBalancerName", { value: loadBalancer.loadBalancerDnsName, description: "Point the public name's DNS record here." });
    new CfnOutput(this, "ArchiveBucket", { value: archive.bucketName, description: "Object Lock bucket for signed audit checkpoints and backups." });
    new CfnOutput(this, "MasterKeyArn", { value: masterKey.keyArn });
  }
}
