import path from "node:path";
import { z } from "zod";
import { idsSettings, type IdsSettings } from "./ids-settings.js";
import { environmentSchema, type Environment } from "./schema.js";

/** The settings every module is given; built once from the environment and frozen. */
export interface Config {
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  databaseStatementTimeoutMs: number;
  host: string;
  port: number;
  publicUrl: URL;
  tls: { certFile: string; keyFile: string } | undefined;
  masterKeyFile: string;
  backup: { dir: string; signingKeyFile: string };
  kms: { kind: "local-file" | "passphrase" | "aws"; passphraseFile: string | undefined; paramsFile: string; aws?: { keyId: string; region: string; endpoint?: string } };
  recordRetentionYears: number;
  session: { idleMs: number; absoluteMs: number; signInStepMs: number };
  setupLinkMs: number;
  invitationMs: number;
  /** How long a role change waits for a second administrator's approval. */
  roleRequestMs: number;
  /** How recent a second factor must be for privileged actions (step-up). */
  stepUpMs: number;
  password: { minLength: number; argon2MemoryKiB: number; argon2Iterations: number };
  lockout: { threshold: number; accountThreshold: number; ipThreshold: number; lockMs: number };
  dormantDays: number;
  /** Lifetime of an emergency (break-glass) grant. */
  breakGlassMs: number;
  audit: { batchWindowMs: number; retentionYears: number; checkpoints: { everyEntries: number; everyMs: number; exportDir: string | undefined; peerDirs: readonly string[] } };
  /** SIEM export sinks; each is off when unset. */
  siem: { file?: string; syslog?: { host: string; port: number; caFile?: string } };
  logLevel: string;
  /** Uploaded files: limits of the sanitiser and the optional ClamAV scan. */
  uploads: { maxBytes: number; maxPixels: number; timeoutMs: number; workers: number; clamavSocket: string | undefined };
  organisationName: string;
  patientPortal: { mfaRequired: boolean; showStaffNames: boolean };
  /** Outgoing e-mail (patient portal invitations): SMTP when configured, otherwise a pickup folder. */
  mail: { smtpUrl: string | undefined; from: string; pickupDir: string };
  /** Request inspection (WAF): mode, CRS-style paranoia level and inbound anomaly threshold. */
  waf: { mode: "block" | "detect-only"; paranoia: 1 | 2 | 3 | 4; threshold: number };
  /** OAuth 2.0 / OpenID Connect provider token lifetimes. */
  oauth: { accessTokenSeconds: number; refreshTokenSeconds: number };
  /** Intrusion detection over the audit trail: engine, rule thresholds, per-rule switch and response, webhook. */
  ids: IdsSettings;
  /** Limits the compliance checks compare the running system with. */
  compliance: {
    idleLimitMs: number;
    absoluteLimitMs: number;
    dormantDays: number;
    maxAdmins: number;
    breakGlassReviewDays: number;
    checkpointMaxAgeMs: number;
    siemMaxLag: number;
    ntpServer: { host: string; port: number } | undefined;
    maxClockSkewMs: number;
    keyRotationDays: number;
    backupMaxAgeMs: number;
    backupMinGenerations: number;
    drillMaxAgeDays: number;
    alertMaxAgeMs: number;
    idsMaxLag: number;
    checkTimeoutMs: number;
  };
  /** The operator's data for the サービス仕様適合開示書; unset values are shown as 未記入, never invented. */
  provider: { name?: string; securityOfficer?: string; contact?: string; supportHours?: string; dataCentreLocation?: string; dataCentreCountry?: string; subcontractors?: string[] };
  /** The SBOM file and how old it may get before it is regenerated. */
  supplyChain: { sbomFile: string; sbomMaxAgeMs: number; dependencyAuditFile: string; dependencyAuditMaxAgeMs: number };
  /** Redis for shared counters across nodes; undefined keeps them in the database. */
  redisUrl: string | undefined;
  /** Rate limit per class; undefined when the class is `off`. */
  rateLimits: { ip?: RateLimitSetting; account?: RateLimitSetting; client?: RateLimitSetting; auth?: RateLimitSetting };
  /** Networks (CIDR, IPv4 or IPv6) each role may act from; empty means unrestricted. */
  networks: { admin: readonly string[]; securityOfficer: readonly string[] };
  /** Proxies whose forwarded headers are believed (empty: none). */
  trustedProxies: readonly string[];
  /** Readiness answers 503 this long before the node stops accepting connections (shutdown). */
  shutdownDelayMs: number;
  /** Who may read GET /metrics: these networks (empty: loopback only), or a holder of the token. */
  metrics: { networks: readonly string[]; token: string | undefined };
}

/** A number of requests allowed per window of time. */
export interface RateLimitSetting {
  limit: number;
  windowMs: number;
}

/** Thrown when the environment does not satisfy the schema; the message names every bad setting. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.problems = problems;
    this.name = "ConfigError";
  }
}

/**
 * Reads and validates the settings.
 * @throws {ConfigError} naming each invalid or missing setting.
 */
export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const relevant = Object.fromEntries(
    Object.keys(environmentSchema.shape).map((key) => [key, env[key] === "" ? undefined : env[key]]),
  );
  const parsed = environmentSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  const e = parsed.data;
  if (Boolean(e.MAMORI_TLS_CERT_FILE) !== Boolean(e.MAMORI_TLS_KEY_FILE)) {
    throw new ConfigError(["MAMORI_TLS_CERT_FILE and MAMORI_TLS_KEY_FILE must be set together"]);
  }
  if (e.MAMORI_KMS === "aws" && !(e.MAMORI_AWS_KMS_KEY_ID && e.MAMORI_AWS_REGION)) {
    throw new ConfigError(["MAMORI_KMS=aws needs MAMORI_AWS_KMS_KEY_ID and MAMORI_AWS_REGION"]);
  }
  if (e.MAMORI_KMS === "passphrase" && !e.MAMORI_KMS_PASSPHRASE_FILE) {
    throw new ConfigError(["MAMORI_KMS=passphrase needs MAMORI_KMS_PASSPHRASE_FILE"]);
  }
  if (Boolean(e.MAMORI_IDS_WEBHOOK_URL) !== Boolean(e.MAMORI_IDS_WEBHOOK_SECRET)) {
    throw new ConfigError(["MAMORI_IDS_WEBHOOK_URL and MAMORI_IDS_WEBHOOK_SECRET must be set together"]);
  }
  if (e.MAMORI_SMTP_URL && !e.MAMORI_MAIL_FROM) {
    throw new ConfigError(["MAMORI_SMTP_URL needs MAMORI_MAIL_FROM"]);
  }
  if (e.MAMORI_SIEM_SYSLOG_CA_FILE && !e.MAMORI_SIEM_SYSLOG_URL) {
    throw new ConfigError(["MAMORI_SIEM_SYSLOG_CA_FILE is set but MAMORI_SIEM_SYSLOG_URL is not"]);
  }
  const dataDir = path.resolve(e.MAMORI_DATA_DIR);
  const config: Config = {
    dataDir,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.MAMORI_DATABASE_POOL_SIZE,
    databaseStatementTimeoutMs: e.MAMORI_DATABASE_STATEMENT_TIMEOUT_MS,
    host: e.MAMORI_HOST,
    port: e.MAMORI_PORT,
    publicUrl: new URL(e.MAMORI_PUBLIC_URL ?? `https://localhost:${e.MAMORI_PORT}`),
    tls: e.MAMORI_TLS_CERT_FILE && e.MAMORI_TLS_KEY_FILE ? { certFile: e.MAMORI_TLS_CERT_FILE, keyFile: e.MAMORI_TLS_KEY_FILE } : undefined,
    masterKeyFile: path.resolve(e.MAMORI_MASTER_KEY_FILE ?? path.join(dataDir, "master.key")),
    backup: {
      dir: path.resolve(e.MAMORI_BACKUP_DIR ?? path.join(dataDir, "backups")),
      signingKeyFile: path.resolve(e.MAMORI_BACKUP_SIGNING_KEY_FILE ?? path.join(dataDir, "backup-signing.key")),
    },
    recordRetentionYears: e.MAMORI_RECORD_RETENTION_YEARS,
    kms: {
      kind: e.MAMORI_KMS,
      passphraseFile: e.MAMORI_KMS_PASSPHRASE_FILE && path.resolve(e.MAMORI_KMS_PASSPHRASE_FILE),
      paramsFile: path.join(dataDir, "kms-passphrase.json"),
      ...(e.MAMORI_AWS_KMS_KEY_ID && e.MAMORI_AWS_REGION
        ? { aws: { keyId: e.MAMORI_AWS_KMS_KEY_ID, region: e.MAMORI_AWS_REGION, ...(e.MAMORI_AWS_KMS_ENDPOINT ? { endpoint: e.MAMORI_AWS_KMS_ENDPOINT } : {}) } }
        : {}),
    },
    session: {
      idleMs: e.MAMORI_SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: e.MAMORI_SESSION_ABSOLUTE_HOURS * 3_600_000,
      signInStepMs: e.MAMORI_SIGN_IN_STEP_MINUTES * 60_000,
    },
    setupLinkMs: e.MAMORI_SETUP_LINK_MINUTES * 60_000,
    stepUpMs: e.MAMORI_STEP_UP_SECONDS * 1000,
    invitationMs: e.MAMORI_INVITATION_HOURS * 3_600_000,
    roleRequestMs: e.MAMORI_ROLE_REQUEST_HOURS * 3_600_000,
    password: {
      minLength: e.MAMORI_PASSWORD_MIN_LENGTH,
      argon2MemoryKiB: e.MAMORI_ARGON2_MEMORY_KIB,
      argon2Iterations: e.MAMORI_ARGON2_ITERATIONS,
    },
    dormantDays: e.MAMORI_DORMANT_DAYS,
    breakGlassMs: e.MAMORI_BREAK_GLASS_MINUTES * 60_000,
    lockout: { threshold: e.MAMORI_LOCKOUT_THRESHOLD, accountThreshold: e.MAMORI_LOCKOUT_ACCOUNT_THRESHOLD, ipThreshold: e.MAMORI_LOCKOUT_IP_THRESHOLD, lockMs: e.MAMORI_LOCKOUT_MINUTES * 60_000 },
    audit: {
      batchWindowMs: e.MAMORI_AUDIT_BATCH_WINDOW_MS,
      retentionYears: e.MAMORI_AUDIT_RETENTION_YEARS,
      checkpoints: {
        everyEntries: e.MAMORI_AUDIT_CHECKPOINT_ENTRIES,
        everyMs: e.MAMORI_AUDIT_CHECKPOINT_SECONDS * 1000,
        exportDir:
          e.MAMORI_AUDIT_CHECKPOINT_DIR === "none" ? undefined : path.resolve(e.MAMORI_AUDIT_CHECKPOINT_DIR ?? path.join(dataDir, "audit-checkpoints")),
        peerDirs: (e.MAMORI_AUDIT_CHECKPOINT_PEER_DIRS ?? "")
          .split(",")
          .map((part) => part.trim())
          .filter(Boolean)
          .map((dir) => path.resolve(dir)),
      },
    },
    siem: siemSettings(e),
    logLevel: e.MAMORI_LOG_LEVEL,
    uploads: {
      maxBytes: e.MAMORI_UPLOAD_MAX_MIB * 1024 * 1024,
      maxPixels: e.MAMORI_UPLOAD_MAX_MEGAPIXELS * 1_000_000,
      timeoutMs: e.MAMORI_UPLOAD_TIMEOUT_MS,
      workers: e.MAMORI_UPLOAD_WORKERS,
      clamavSocket: e.CLAMAV_SOCKET === undefined ? undefined : path.resolve(e.CLAMAV_SOCKET),
    },
    organisationName: e.MAMORI_ORGANISATION_NAME,
    patientPortal: { mfaRequired: e.MAMORI_PATIENT_MFA_REQUIRED === "true", showStaffNames: e.MAMORI_PATIENT_HISTORY_STAFF_NAMES === "true" },
    mail: {
      smtpUrl: e.MAMORI_SMTP_URL,
      from: e.MAMORI_MAIL_FROM ?? `no-reply@${new URL(e.MAMORI_PUBLIC_URL ?? "https://localhost").hostname}`,
      pickupDir: path.resolve(e.MAMORI_MAIL_PICKUP_DIR ?? path.join(dataDir, "mail-outbox")),
    },
    redisUrl: e.REDIS_URL,
    rateLimits: {
      ...rateLimitSetting("ip", e.MAMORI_RATE_LIMIT_IP),
      ...rateLimitSetting("account", e.MAMORI_RATE_LIMIT_ACCOUNT),
      ...rateLimitSetting("client", e.MAMORI_RATE_LIMIT_CLIENT),
      ...rateLimitSetting("auth", e.MAMORI_RATE_LIMIT_AUTH),
    },
    networks: { admin: networkList(e.MAMORI_ADMIN_NETWORKS), securityOfficer: networkList(e.MAMORI_SECURITY_NETWORKS) },
    trustedProxies: networkList(e.MAMORI_TRUSTED_PROXIES),
    shutdownDelayMs: e.MAMORI_SHUTDOWN_DELAY_SECONDS * 1000,
    metrics: { networks: networkList(e.MAMORI_METRICS_NETWORKS), token: e.MAMORI_METRICS_TOKEN },
    supplyChain: {
      sbomFile: path.resolve(e.MAMORI_SBOM_FILE ?? path.join(dataDir, "sbom.cdx.json")),
      sbomMaxAgeMs: e.MAMORI_SBOM_MAX_AGE_HOURS * 3_600_000,
      dependencyAuditFile: path.resolve(e.MAMORI_DEPENDENCY_AUDIT_FILE ?? path.join(dataDir, "dependency-audit.json")),
      dependencyAuditMaxAgeMs: e.MAMORI_DEPENDENCY_AUDIT_MAX_AGE_HOURS * 3_600_000,
    },
    compliance: complianceSettings(e),
    provider: {
      // Only a name the operator set: the schema's default is the product's name, not the operator's.
      ...(relevant["MAMORI_ORGANISATION_NAME"] !== undefined ? { name: e.MAMORI_ORGANISATION_NAME } : {}),
      ...(e.MAMORI_SECURITY_OFFICER_NAME ? { securityOfficer: e.MAMORI_SECURITY_OFFICER_NAME } : {}),
      ...(e.MAMORI_PROVIDER_CONTACT ? { contact: e.MAMORI_PROVIDER_CONTACT } : {}),
      ...(e.MAMORI_PROVIDER_SUPPORT_HOURS ? { supportHours: e.MAMORI_PROVIDER_SUPPORT_HOURS } : {}),
      ...(e.MAMORI_DATA_CENTRE_LOCATION ? { dataCentreLocation: e.MAMORI_DATA_CENTRE_LOCATION } : {}),
      ...(e.MAMORI_DATA_CENTRE_COUNTRY ? { dataCentreCountry: e.MAMORI_DATA_CENTRE_COUNTRY } : {}),
      ...(e.MAMORI_SUBCONTRACTORS ? { subcontractors: e.MAMORI_SUBCONTRACTORS.split(";").map((part) => part.trim()).filter(Boolean) } : {}),
    },
    ids: idsSettings(e),
    oauth: { accessTokenSeconds: e.MAMORI_ACCESS_TOKEN_SECONDS, refreshTokenSeconds: e.MAMORI_REFRESH_TOKEN_HOURS * 3600 },
    waf: { mode: e.MAMORI_WAF_MODE, paranoia: e.MAMORI_WAF_PARANOIA as 1 | 2 | 3 | 4, threshold: e.MAMORI_WAF_THRESHOLD },
  };
  return deepFreeze(config);
}

const windowUnitMs = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `300/60s` → { limit: 300, windowMs: 60000 }; `off` → nothing (the schema has checked the shape). */
function rateLimitSetting<K extends keyof Config["rateLimits"]>(name: K, text: string): Pick<Config["rateLimits"], K> {
  const match = /^(\d+)\/(\d+)([smh])$/.exec(text);
  if (!match) return {} as Pick<Config["rateLimits"], K>;
  const setting: RateLimitSetting = { limit: Number(match[1]), windowMs: Number(match[2]) * windowUnitMs[match[3] as keyof typeof windowUnitMs] };
  return { [name]: setting } as Pick<Config["rateLimits"], K>;
}

function networkList(text: string | undefined): string[] {
  return (text ?? "").split(",").map((part) => part.trim()).filter(Boolean);
}

function complianceSettings(e: Environment): Config["compliance"] {
  const ntp = e.MAMORI_NTP_SERVER ? hostAndPort(e.MAMORI_NTP_SERVER) : undefined;
  return {
    idleLimitMs: e.MAMORI_COMPLIANCE_IDLE_LIMIT_MINUTES * 60_000,
    absoluteLimitMs: e.MAMORI_COMPLIANCE_ABSOLUTE_LIMIT_HOURS * 3_600_000,
    dormantDays: e.MAMORI_COMPLIANCE_DORMANT_DAYS,
    maxAdmins: e.MAMORI_COMPLIANCE_MAX_ADMINS,
    breakGlassReviewDays: e.MAMORI_COMPLIANCE_BREAK_GLASS_REVIEW_DAYS,
    checkpointMaxAgeMs: e.MAMORI_COMPLIANCE_CHECKPOINT_MAX_AGE_MINUTES * 60_000,
    siemMaxLag: e.MAMORI_COMPLIANCE_SIEM_MAX_LAG,
    // RFC 5905: NTP listens on UDP 123.
    ntpServer: ntp ? { host: ntp.host, port: ntp.port ?? 123 } : undefined,
    maxClockSkewMs: e.MAMORI_COMPLIANCE_MAX_CLOCK_SKEW_MS,
    keyRotationDays: e.MAMORI_COMPLIANCE_KEY_ROTATION_DAYS,
    backupMaxAgeMs: e.MAMORI_COMPLIANCE_BACKUP_MAX_AGE_HOURS * 3_600_000,
    backupMinGenerations: e.MAMORI_COMPLIANCE_BACKUP_MIN_GENERATIONS,
    drillMaxAgeDays: e.MAMORI_COMPLIANCE_DRILL_MAX_AGE_DAYS,
    alertMaxAgeMs: e.MAMORI_COMPLIANCE_ALERT_MAX_AGE_HOURS * 3_600_000,
    idsMaxLag: e.MAMORI_COMPLIANCE_IDS_MAX_LAG,
    checkTimeoutMs: e.MAMORI_COMPLIANCE_CHECK_TIMEOUT_MS,
  };
}

function siemSettings(e: Environment): Config["siem"] {
  const file = e.MAMORI_SIEM_FILE;
  const siem: Config["siem"] = file === undefined ? {} : { file: file === "-" ? "-" : path.resolve(file) };
  if (e.MAMORI_SIEM_SYSLOG_URL) {
    const url = new URL(e.MAMORI_SIEM_SYSLOG_URL);
    const caFile = e.MAMORI_SIEM_SYSLOG_CA_FILE;
    siem.syslog = {
      host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      // RFC 5425 §4.1: syslog over TLS listens on 6514.
      port: url.port === "" ? 6514 : Number(url.port),
      ...(caFile === undefined ? {} : { caFile: path.resolve(caFile) }),
    };
  }
  return siem;
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child && typeof child === "object" && !(child instanceof URL)) deepFreeze(child as object);
  }
  return Object.freeze(value);
}

/** Markdown documentation of every setting, generated from the schema. */
export function renderConfigurationDoc(): string {
  const rows = Object.entries(environmentSchema.shape).map(([name, schema]) => {
    const json = z.toJSONSchema(schema as z.ZodType, { io: "input", unrepresentable: "any" }) as { default?: unknown };
    const fallback = json.default === undefined ? "—" : `\`${String(json.default)}\``;
    return `| \`${name}\` | ${fallback} | ${(schema as z.ZodType).description ?? ""} |`;
  });
  return [
    "# Configuration",
    "",
    "Generated from `src/config/schema.ts` by `npm run docs`; do not edit by hand.",
    "Every setting is an environment variable. Invalid values stop start-up with a message naming each one.",
    "",
    "| variable | default | meaning |",
    "| --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

/** `host` or `host:port`; a trailing part that is not a port number stays part of the host. */
function hostAndPort(text: string): { host: string; port: number | undefined } {
  const colon = text.lastIndexOf(":");
  const port = colon > 0 ? Number(text.slice(colon + 1)) : Number.NaN;
  return Number.isInteger(port) && port > 0 && port < 65536 ? { host: text.slice(0, colon), port } : { host: text, port: undefined };
}
