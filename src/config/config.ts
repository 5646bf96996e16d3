import path from "node:path";
import { z } from "zod";
import { environmentSchema, type Environment } from "./schema.js";

/** The settings every module is given; built once from the environment and frozen. */
export interface Config {
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
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
  password: { minLength: number; argon2MemoryKiB: number; argon2Iterations: number };
  audit: { batchWindowMs: number; retentionYears: number; checkpoints: { everyEntries: number; everyMs: number; exportDir: string | undefined } };
  /** SIEM export sinks; each is off when unset. */
  siem: { file?: string; syslog?: { host: string; port: number; caFile?: string } };
  logLevel: string;
  /** Uploaded files: limits of the sanitiser and the optional ClamAV scan. */
  uploads: { maxBytes: number; maxPixels: number; timeoutMs: number; workers: number; clamavSocket: string | undefined };
  organisationName: string;
  patientPortal: { mfaRequired: boolean; showStaffNames: boolean };
  /** Request inspection (WAF): mode, CRS-style paranoia level and inbound anomaly threshold. */
  waf: { mode: "block" | "detect-only"; paranoia: 1 | 2 | 3 | 4; threshold: number };
}

/** Thrown when the environment does not satisfy the schema; the message names every bad setting. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
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
  if (e.MAMORI_SIEM_SYSLOG_CA_FILE && !e.MAMORI_SIEM_SYSLOG_URL) {
    throw new ConfigError(["MAMORI_SIEM_SYSLOG_CA_FILE is set but MAMORI_SIEM_SYSLOG_URL is not"]);
  }
  const dataDir = path.resolve(e.MAMORI_DATA_DIR);
  const config: Config = {
    dataDir,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.MAMORI_DATABASE_POOL_SIZE,
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
    invitationMs: e.MAMORI_INVITATION_HOURS * 3_600_000,
    password: {
      minLength: e.MAMORI_PASSWORD_MIN_LENGTH,
      argon2MemoryKiB: e.MAMORI_ARGON2_MEMORY_KIB,
      argon2Iterations: e.MAMORI_ARGON2_ITERATIONS,
    },
    audit: {
      batchWindowMs: e.MAMORI_AUDIT_BATCH_WINDOW_MS,
      retentionYears: e.MAMORI_AUDIT_RETENTION_YEARS,
      checkpoints: {
        everyEntries: e.MAMORI_AUDIT_CHECKPOINT_ENTRIES,
        everyMs: e.MAMORI_AUDIT_CHECKPOINT_SECONDS * 1000,
        exportDir:
          e.MAMORI_AUDIT_CHECKPOINT_DIR === "none" ? undefined : path.resolve(e.MAMORI_AUDIT_CHECKPOINT_DIR ?? path.join(dataDir, "audit-checkpoints")),
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
    waf: { mode: e.MAMORI_WAF_MODE, paranoia: e.MAMORI_WAF_PARANOIA as 1 | 2 | 3 | 4, threshold: e.MAMORI_WAF_THRESHOLD },
  };
  return deepFreeze(config);
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
