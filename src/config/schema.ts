import { z } from "zod";

const minutes = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/**
 * Every setting of the service, read from environment variables once at start. Each `.describe()` text is the
 * documentation: `npm run docs` writes docs/configuration.md from it, and a test fails when that file is stale.
 * No setting has a default secret.
 */
export const environmentSchema = z.object({
  MAMORI_DATA_DIR: z
    .string()
    .min(1)
    .default("./data")
    .describe("Folder for the embedded database, the local master key file and the self-signed TLS certificate. Created with mode 0700."),
  DATABASE_URL: z
    .url()
    .refine((value) => /^postgres(ql)?:\/\//.test(value), "must be a postgres:// or postgresql:// URL")
    .optional()
    .describe("PostgreSQL connection URL. When unset, an embedded PGlite database in MAMORI_DATA_DIR is used. Same migrations either way."),
  MAMORI_DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10).describe("PostgreSQL connection pool size per node."),
  MAMORI_HOST: z.string().min(1).default("0.0.0.0").describe("Address the HTTPS server listens on."),
  MAMORI_PORT: z.coerce.number().int().min(0).max(65535).default(8443).describe("Port the HTTPS server listens on."),
  MAMORI_PUBLIC_URL: z
    .url()
    .refine((value) => value.startsWith("https://"), "must start with https://")
    .optional()
    .describe("The address people use to reach the service; used in one-time links and as the only origin accepted for cookie-authenticated writes. Defaults to https://localhost:<MAMORI_PORT>."),
  MAMORI_TLS_CERT_FILE: z.string().optional().describe("PEM certificate chain. When unset with MAMORI_TLS_KEY_FILE, a self-signed certificate is generated in MAMORI_DATA_DIR/tls."),
  MAMORI_TLS_KEY_FILE: z.string().optional().describe("PEM private key for MAMORI_TLS_CERT_FILE."),
  MAMORI_MASTER_KEY_FILE: z
    .string()
    .optional()
    .describe("Local key file holding the master key (the default KMS). Defaults to MAMORI_DATA_DIR/master.key, created with mode 0600. Keep it apart from database backups."),
  MAMORI_KMS: z
    .enum(["local-file", "passphrase", "aws"])
    .default("local-file")
    .describe("Where the master key lives: `local-file` (MAMORI_MASTER_KEY_FILE) or `passphrase` (derived with scrypt from the passphrase in MAMORI_KMS_PASSPHRASE_FILE, for air-gapped installs; salt in MAMORI_DATA_DIR/kms-passphrase.json) or `aws` (AWS KMS key MAMORI_AWS_KMS_KEY_ID; credentials from the AWS SDK default chain)."),
  MAMORI_AWS_KMS_KEY_ID: z.string().min(1).optional().describe("AWS KMS symmetric key id or ARN wrapping the KEKs and backup keys. Required when MAMORI_KMS=aws. Enable AWS automatic key rotation on it."),
  MAMORI_AWS_REGION: z.string().min(1).optional().describe("AWS region of MAMORI_AWS_KMS_KEY_ID, e.g. ap-northeast-1."),
  MAMORI_AWS_KMS_ENDPOINT: z.url().optional().describe("AWS KMS endpoint override (a VPC interface endpoint). Unset: the region's public endpoint."),
  MAMORI_KMS_PASSPHRASE_FILE: z
    .string()
    .optional()
    .describe("File holding the KMS passphrase (at least 16 characters), e.g. on removable media mounted only at start. Required when MAMORI_KMS=passphrase."),
  MAMORI_BACKUP_DIR: z
    .string()
    .optional()
    .describe("Folder `mamori backup` writes archives to, ideally an offline or write-once mount; generations are kept 7 daily, 4 weekly, 12 monthly. Defaults to MAMORI_DATA_DIR/backups. Archives are encrypted under a key wrapped by the master key: keep the master key file elsewhere."),
  MAMORI_BACKUP_SIGNING_KEY_FILE: z
    .string()
    .optional()
    .describe("Ed25519 key file (mode 0600, created on first backup) that signs archives; restore refuses an archive it did not sign. Never stored in an archive. Defaults to MAMORI_DATA_DIR/backup-signing.key."),
  MAMORI_RECORD_RETENTION_YEARS: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(5)
    .describe("Legal retention of medical records after their last update (医師法 §24: 診療録 5 years). Crypto-shredding a patient earlier needs two administrators' approval."),
  MAMORI_SESSION_IDLE_MINUTES: minutes(15, 24 * 60).describe("A signed-in session ends after this many minutes without a request (MHLW クリアスクリーン: automatic log-off)."),
  MAMORI_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(7 * 24).default(12).describe("A session ends this many hours after sign-in, however active."),
  MAMORI_SIGN_IN_STEP_MINUTES: minutes(5, 60).describe("Time allowed between the password step and the second factor."),
  MAMORI_SETUP_LINK_MINUTES: minutes(30, 24 * 60).describe("Lifetime of the one-time link printed at start-up to create the first administrator."),
  MAMORI_INVITATION_HOURS: z.coerce.number().int().min(1).max(14 * 24).default(72).describe("Lifetime of an invitation link sent to a new user."),
  MAMORI_PASSWORD_MIN_LENGTH: z.coerce.number().int().min(12).max(128).default(12).describe("Minimum password length (MHLW guideline: long passwords; never below 12)."),
  MAMORI_ARGON2_MEMORY_KIB: z.coerce.number().int().min(19456).max(4 * 1024 * 1024).default(65536).describe("argon2id memory cost in KiB (OWASP: at least 19456 with 2 iterations)."),
  MAMORI_ARGON2_ITERATIONS: z.coerce.number().int().min(2).max(20).default(3).describe("argon2id iterations (time cost)."),
  MAMORI_AUDIT_BATCH_WINDOW_MS: z.coerce.number().int().min(0).max(100).default(0).describe("Extra wait before each audit commit to gather more entries. Entries arriving during a commit are always batched into the next one; raise this only for a distant database."),
  MAMORI_AUDIT_CHECKPOINT_ENTRIES: z.coerce.number().int().min(1).max(1_000_000).default(1000).describe("Sign an audit checkpoint after this many new entries."),
  MAMORI_AUDIT_CHECKPOINT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60).describe("Sign an audit checkpoint at least this often while entries arrive."),
  MAMORI_AUDIT_CHECKPOINT_DIR: z
    .string()
    .optional()
    .describe("Folder the signed audit checkpoints are exported to, ideally write-once storage (WORM volume, offline mount). Defaults to MAMORI_DATA_DIR/audit-checkpoints; `none` keeps them in the database only."),
  MAMORI_SIEM_FILE: z
    .string()
    .min(1)
    .optional()
    .describe("Export the audit trail as OCSF 1.3 JSON lines to this file (appended, created with mode 0600), or to standard output when \"-\" (shared with the service log). Unset: no file export."),
  MAMORI_SIEM_SYSLOG_URL: z
    .url({ protocol: /^tls$/ })
    .refine((value) => {
      const url = new URL(value);
      return url.hostname !== "" && !url.username && !url.password && (url.pathname === "" || url.pathname === "/") && !url.search && !url.hash;
    }, "must be tls://host:port")
    .optional()
    .describe("Export the audit trail to a syslog receiver: RFC 5424 messages carrying OCSF JSON over TLS (RFC 5425), as tls://host:port (port 6514 when omitted). At-least-once and in order; receivers de-duplicate by the seq structured-data parameter. Unset: no syslog export."),
  MAMORI_SIEM_SYSLOG_CA_FILE: z
    .string()
    .min(1)
    .optional()
    .describe("PEM CA bundle the syslog receiver's certificate must chain to (its host name is always verified). Unset: Node's trusted CAs."),
  MAMORI_ORGANISATION_NAME: z.string().trim().min(1).max(200).default("Mamori").describe("Name of the organisation running this service, shown to patients in their access history."),
  MAMORI_PATIENT_MFA_REQUIRED: z
    .enum(["true", "false"])
    .default("false")
    .describe("Whether patient accounts must enrol a second factor (staff always must). When false, patients may opt in."),
  MAMORI_PATIENT_HISTORY_STAFF_NAMES: z
    .enum(["true", "false"])
    .default("false")
    .describe("Whether patients see the names of the staff who accessed their record, or only organisation and role."),
  MAMORI_UPLOAD_MAX_MIB: z.coerce.number().int().min(1).max(512).default(20).describe("Largest uploaded file accepted, in MiB (POST /fhir/R4/Binary); larger bodies are refused before they are read."),
  MAMORI_UPLOAD_MAX_MEGAPIXELS: z.coerce.number().int().min(1).max(1000).default(50).describe("Largest image accepted, in megapixels (width × height from the header), against decompression bombs."),
  MAMORI_UPLOAD_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000).describe("Time allowed to sanitise one file; the worker thread doing it is terminated when it runs over and the file is refused."),
  MAMORI_UPLOAD_WORKERS: z.coerce.number().int().min(1).max(16).default(2).describe("Worker threads that sanitise uploaded files, off the request thread."),
  CLAMAV_SOCKET: z.string().min(1).optional().describe("Unix socket of a clamd daemon; when set, every upload is also scanned with INSTREAM before sanitising, and refused when clamd is unreachable (fail closed). Unset: no ClamAV scan (the EICAR test file is refused either way)."),
  MAMORI_AUDIT_RETENTION_YEARS: z.coerce.number().int().min(1).max(100).default(5).describe("Years audit entries are kept before the daily purge deletes them (audited and checkpointed). 5 matches the retention of 診療録."),
  MAMORI_WAF_MODE: z
    .enum(["block", "detect-only"])
    .default("block")
    .describe("Request inspection (WAF, guideline NET-1): `block` refuses a request whose anomaly score reaches MAMORI_WAF_THRESHOLD with 403 `waf.blocked`; `detect-only` audits `waf.detect` and lets it through (for tuning)."),
  MAMORI_WAF_PARANOIA: z.coerce
    .number()
    .int()
    .min(1)
    .max(4)
    .default(1)
    .describe("Paranoia level of request inspection, 1–4 as in OWASP CRS: each level adds broader rules that catch more attacks and risk more false positives. 1 blocks no official FHIR R4 example."),
  MAMORI_WAF_THRESHOLD: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(5)
    .describe("Inbound anomaly score at which a request is blocked (OWASP CRS scoring: critical 5, error 4, warning 3, notice 2)."),
  MAMORI_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info").describe("Log level. Logs never carry medical content, names, tokens or query strings."),
});

export type Environment = z.infer<typeof environmentSchema>;
