import { isIP } from "node:net";
import { z } from "zod";
import { idsEnvironmentShape } from "./ids-schema.js";

const minutes = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/** A rate limit as `<count>/<window>` (window in s, m or h), or `off`. */
const rateLimit = (fallback: string) =>
  z
    .string()
    .trim()
    .regex(/^(off|[1-9]\d{0,8}\/[1-9]\d{0,5}[smh])$/, "must be <count>/<window> such as 300/60s, or off")
    .default(fallback);

/** Comma-separated IPv4/IPv6 addresses or CIDR ranges; empty means no restriction. */
const networks = z
  .string()
  .optional()
  .refine((value) => value === undefined || value.split(",").map((part) => part.trim()).filter(Boolean).every(isNetwork), "must be comma-separated IP addresses or CIDR ranges");

function isNetwork(text: string): boolean {
  const [address = "", prefix, ...rest] = text.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

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
  MAMORI_DATABASE_STATEMENT_TIMEOUT_MS: z
    .coerce.number()
    .int()
    .min(1000)
    .max(3_600_000)
    .default(30_000)
    .describe("PostgreSQL statement_timeout per connection, in milliseconds: a slow statement fails instead of holding a pooled connection. Long operator jobs (backup, restore, key rotation) page their work, so they stay under it."),
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
  MAMORI_STEP_UP_SECONDS: z.coerce
    .number()
    .int()
    .min(30)
    .max(3600)
    .default(300)
    .describe("Privileged actions (inviting users, key and crypto-shredding actions, audit CSV export, changing one's own second factors) need a second factor verified within this many seconds; otherwise the user re-verifies first."),
  MAMORI_SETUP_LINK_MINUTES: minutes(30, 24 * 60).describe("Lifetime of the one-time link printed at start-up to create the first administrator."),
  MAMORI_INVITATION_HOURS: z.coerce.number().int().min(1).max(14 * 24).default(72).describe("Lifetime of an invitation link sent to a new user."),
  MAMORI_ROLE_REQUEST_HOURS: z.coerce.number().int().min(1).max(7 * 24).default(24).describe("How long a role change waiting for a second administrator's approval (one that gives an administrative role or mixes administrative and clinical duties) stays open before it lapses."),
  MAMORI_PASSWORD_MIN_LENGTH: z.coerce.number().int().min(12).max(128).default(12).describe("Minimum password length (MHLW guideline: long passwords; never below 12)."),
  MAMORI_ARGON2_MEMORY_KIB: z.coerce.number().int().min(19456).max(4 * 1024 * 1024).default(65536).describe("argon2id memory cost in KiB (OWASP: at least 19456 with 2 iterations)."),
  MAMORI_LOCKOUT_THRESHOLD: z.coerce.number().int().min(3).max(100).default(10).describe("Failed sign-in attempts (password or second factor) on one account, or on one unknown e-mail address, from one client address, that lock that address out of the account temporarily; the owner still signs in from another address. Before that, each failure beyond the first half adds a growing wait (1 s doubling, at most 60 s) for that address, answered with 429 and Retry-After."),
  MAMORI_LOCKOUT_ACCOUNT_THRESHOLD: z.coerce.number().int().min(10).max(100_000).default(50).describe("Failed sign-in attempts on one account from all addresses together (within a day of each other) that lock it from every address for MAMORI_LOCKOUT_MINUTES. That lock is not extended by further failures, and the count starts again when it ends, so guessing from many addresses is capped without keeping the owner out indefinitely. A successful sign-in does not reset this count."),
  MAMORI_LOCKOUT_MINUTES: minutes(15, 24 * 60).describe("How long a lock from MAMORI_LOCKOUT_THRESHOLD, MAMORI_LOCKOUT_ACCOUNT_THRESHOLD or MAMORI_LOCKOUT_IP_THRESHOLD lasts. After a lock of one address (per account or across accounts) ends, each further failure from that address locks it again; the account-wide lock is not renewed. An administrator or security officer can unlock an account earlier."),
  MAMORI_LOCKOUT_IP_THRESHOLD: z.coerce.number().int().min(10).max(100_000).default(100).describe("Failed sign-in attempts from one client IP address, across all accounts, that lock that address out of signing in (password spraying). The address is the client's as MAMORI_TRUSTED_PROXIES lets the node see it: behind a reverse proxy that is not listed there, every client shares the proxy's address, so list the proxy (or raise this accordingly). Set it above what a shared hospital NAT address sees in a day."),
  MAMORI_DORMANT_DAYS: z.coerce.number().int().min(7).max(3650).default(90).describe("Staff accounts with no sign-in for this many days (counted from creation or reactivation when never signed in since) are disabled by an hourly sweep, each audited; the last active administrator is kept. An administrator can reactivate them."),
  MAMORI_BREAK_GLASS_MINUTES: minutes(60, 24 * 60).describe("How long an emergency (break-glass) grant lasts: the clinician may read and write the normal and restricted records of that one patient until then; every use is audited and the grant waits in the security officer's review queue."),
  MAMORI_ARGON2_ITERATIONS: z.coerce.number().int().min(2).max(20).default(3).describe("argon2id iterations (time cost)."),
  MAMORI_AUDIT_BATCH_WINDOW_MS: z.coerce.number().int().min(0).max(100).default(0).describe("Extra wait before each audit commit to gather more entries. Entries arriving during a commit are always batched into the next one; raise this only for a distant database."),
  MAMORI_AUDIT_CHECKPOINT_ENTRIES: z.coerce.number().int().min(1).max(1_000_000).default(1000).describe("Sign an audit checkpoint after this many new entries."),
  MAMORI_AUDIT_CHECKPOINT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(5).describe("Sign an audit checkpoint at least this often while entries arrive (and always at shutdown): entries after the last checkpoint are protected only by the database, so this bounds what an insider with database access could still change unnoticed. A checkpoint costs one Ed25519 signature and a row; see docs/architecture.md for measured figures."),
  MAMORI_AUDIT_CHECKPOINT_DIR: z
    .string()
    .optional()
    .describe("Folder the signed audit checkpoints are exported to, ideally write-once storage (WORM volume, offline mount). Defaults to MAMORI_DATA_DIR/audit-checkpoints; `none` keeps them in the database only. Several nodes on one PostgreSQL database should share one folder; otherwise name the other nodes' folders in MAMORI_AUDIT_CHECKPOINT_PEER_DIRS."),
  MAMORI_AUDIT_CHECKPOINT_PEER_DIRS: z
    .string()
    .optional()
    .describe("Comma-separated checkpoint folders of the other nodes (each node exporting to its own MAMORI_AUDIT_CHECKPOINT_DIR), read by `mamori audit verify` with this node's folder. Unset: only this node's folder."),
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
  MAMORI_SMTP_URL: z
    .url()
    .refine((value) => /^smtps?:\/\//.test(value), "must be an smtp:// or smtps:// URL")
    .optional()
    .describe("SMTP server that sends patient portal invitations (smtps:// for implicit TLS; smtp:// upgrades with STARTTLS when the server offers it; credentials in the URL are never logged). Needs MAMORI_MAIL_FROM. Unset: each message is written as an .eml file to MAMORI_MAIL_PICKUP_DIR for a local mail relay to collect."),
  MAMORI_MAIL_FROM: z
    .string()
    .trim()
    .email()
    .max(254)
    .optional()
    .describe("Sender address of the invitation e-mails. Required with MAMORI_SMTP_URL; without it the pickup files carry no-reply@ the public URL's host."),
  MAMORI_MAIL_PICKUP_DIR: z
    .string()
    .optional()
    .describe("Pickup folder for outgoing e-mail when MAMORI_SMTP_URL is unset: one RFC 5322 .eml file per message, mode 0600, written under a temporary name and renamed, so a relay never picks up half a message. Defaults to MAMORI_DATA_DIR/mail-outbox."),
  MAMORI_UPLOAD_MAX_MIB: z.coerce.number().int().min(1).max(512).default(20).describe("Largest uploaded file accepted, in MiB (POST /fhir/R4/Binary); larger bodies are refused before they are read."),
  MAMORI_UPLOAD_MAX_MEGAPIXELS: z.coerce.number().int().min(1).max(1000).default(50).describe("Largest image accepted, in megapixels (width × height from the header), against decompression bombs."),
  MAMORI_UPLOAD_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000).describe("Time allowed to sanitise one file; the worker thread doing it is terminated when it runs over and the file is refused."),
  MAMORI_UPLOAD_WORKERS: z.coerce.number().int().min(1).max(16).default(2).describe("Worker threads that sanitise uploaded files, off the request thread."),
  CLAMAV_SOCKET: z.string().min(1).optional().describe("Unix socket of a clamd daemon; when set, every upload is also scanned with INSTREAM before sanitising, and refused when clamd is unreachable (fail closed). Unset: no ClamAV scan (the EICAR test file is refused either way)."),
  MAMORI_AUDIT_RETENTION_YEARS: z.coerce.number().int().min(1).max(100).default(5).describe("Years audit entries are kept before the daily purge deletes them (audited and checkpointed). 5 matches the retention of 診療録."),
  REDIS_URL: z
    .url()
    .refine((value) => /^rediss?:\/\//.test(value), "must be a redis:// or rediss:// URL")
    .optional()
    .describe("Redis connection URL (rediss:// for TLS; credentials in the URL are never logged). Set it in production when more than one node runs: rate-limit counters then live in Redis and every node sees the same ones. Unset: counters live in the database. The connection opens on first use, so start-up never waits for Redis."),
  MAMORI_RATE_LIMIT_IP: rateLimit("1200/60s").describe("Requests to /api, /fhir and /oidc (the routes whose policy names the `ip` class in docs/endpoints.md) and requests no route matches, allowed per client IP address per window, as `<count>/<window>` with the window in s, m or h, or `off`. Generous so a whole clinic behind one NAT address is never slowed; a scraper is (NET-1). Behind a reverse proxy or load balancer every request carries the proxy's address unless MAMORI_TRUSTED_PROXIES names it: without that, set `off` (or very high) and limit per address at the proxy or WAF; the account limits still apply."),
  MAMORI_RATE_LIMIT_ACCOUNT: rateLimit("300/60s").describe("Requests allowed per signed-in account per window, from any address (`<count>/<window>` or `off`): more than a person clicks, fewer than a script copying records needs (NET-1)."),
  MAMORI_RATE_LIMIT_CLIENT: rateLimit("3000/60s").describe("Requests allowed per third-party OAuth client per window, summed over all its users (`<count>/<window>` or `off`). Mamori's own web UI is limited per account and IP only."),
  MAMORI_RATE_LIMIT_AUTH: rateLimit("60/60s").describe("Requests to the sign-in, second-factor and invitation endpoints allowed per client IP address per window (`<count>/<window>` or `off`), against password guessing and credential stuffing from one address (AUTH-7); per-account lockout is separate."),
  MAMORI_ADMIN_NETWORKS: networks.describe("Networks administrators may work from: comma-separated IPv4/IPv6 addresses or CIDR ranges, e.g. `10.1.0.0/16,fd00:1::/64`. Every administrator action from another address is refused (Cedar policy `admin-from-admin-network`, NET-1). Empty: no restriction, which the compliance report shows as not met."),
  MAMORI_SECURITY_NETWORKS: networks.describe("Networks security officers may work from (same format as MAMORI_ADMIN_NETWORKS; Cedar policy `security-officer-from-security-network`). Empty: no restriction, which the compliance report shows as not met."),
  MAMORI_TRUSTED_PROXIES: networks.describe("Reverse proxies and load balancers (e.g. the ALB's subnets) whose X-Forwarded-For and X-Forwarded-Proto headers are believed: comma-separated IPv4/IPv6 addresses or CIDR ranges. The client address is then the right-most X-Forwarded-For entry not itself a trusted proxy, and rate limits, audit network fields, IDS network rules and the network allow-lists see it. Empty: forwarded headers are ignored and the peer address is the client."),
  MAMORI_METRICS_NETWORKS: networks.describe("Networks allowed to read the Prometheus metrics at GET /metrics without a token (same format as MAMORI_ADMIN_NETWORKS). Loopback is not trusted by default (a reverse proxy on the same host would make every client loopback): list `127.0.0.1` here for a scraper on the node itself. With neither this nor MAMORI_METRICS_TOKEN set, metrics are off (404) and start-up logs so."),
  MAMORI_METRICS_TOKEN: z.string().min(32).optional().describe("Bearer secret (at least 32 characters) that also opens GET /metrics from any address: `Authorization: Bearer <token>`. Unset: access by network only (MAMORI_METRICS_NETWORKS)."),
  MAMORI_SHUTDOWN_DELAY_SECONDS: z.coerce.number().int().min(0).max(120).default(0).describe("On SIGTERM/SIGINT, seconds GET /health/ready answers 503 while the node still serves, before it stops accepting connections and drains the requests in flight. Behind a load balancer set it a little above the health check interval times its unhealthy threshold (e.g. 15) so no new request reaches a closing node."),
  MAMORI_SBOM_FILE: z.string().min(1).optional().describe("Where the CycloneDX JSON SBOM of the installed runtime dependencies is written (`mamori sbom`, or generated on first request). Defaults to MAMORI_DATA_DIR/sbom.cdx.json."),
  MAMORI_SBOM_MAX_AGE_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(24 * 7).describe("An SBOM older than this is regenerated before it is reported, so evidence matches the installed tree after an upgrade."),
  MAMORI_DEPENDENCY_AUDIT_FILE: z.string().min(1).optional().describe("Where the dated dependency audit result is recorded (`mamori supply-chain audit`, or `.ci/npm-audit.mjs --record FILE` in CI); compliance check VUL-1 reads it. Defaults to MAMORI_DATA_DIR/dependency-audit.json."),
  MAMORI_DEPENDENCY_AUDIT_MAX_AGE_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 7).describe("Compliance check VUL-1: a recorded dependency audit older than this is unknown (advisories published since are not in it), never met."),
  MAMORI_COMPLIANCE_IDLE_LIMIT_MINUTES: minutes(15, 24 * 60).describe("Compliance check SES-1: the longest idle timeout (MAMORI_SESSION_IDLE_MINUTES) the report accepts as met."),
  MAMORI_COMPLIANCE_ABSOLUTE_LIMIT_HOURS: z.coerce.number().int().min(1).max(7 * 24).default(12).describe("Compliance check SES-1: the longest absolute session lifetime (MAMORI_SESSION_ABSOLUTE_HOURS) the report accepts as met."),
  MAMORI_COMPLIANCE_DORMANT_DAYS: z.coerce.number().int().min(1).max(3650).default(90).describe("Compliance check AUTH-6: a staff account without a sign-in for this many days counts as dormant."),
  MAMORI_COMPLIANCE_BREAK_GLASS_REVIEW_DAYS: z.coerce.number().int().min(1).max(365).default(7).describe("Compliance check ACC-3: a break-glass grant still unreviewed this many days after it was granted makes the check not met."),
  MAMORI_COMPLIANCE_MAX_ADMINS: z.coerce.number().int().min(1).max(100).default(3).describe("Compliance check AUTH-7: the most administrator accounts the report accepts as minimal."),
  MAMORI_COMPLIANCE_CHECKPOINT_MAX_AGE_MINUTES: minutes(60, 7 * 24 * 60).describe("Compliance check LOG-2: the oldest last signed audit checkpoint accepted while entries are unsigned."),
  MAMORI_COMPLIANCE_SIEM_MAX_LAG: z.coerce.number().int().min(0).max(10_000_000).default(1000).describe("Compliance check LOG-5: the most audit entries a SIEM sink may be behind."),
  MAMORI_NTP_SERVER: z.string().min(1).optional().describe("NTP server (host or host:port, UDP 123 by default) the clock-skew check (LOG-3) compares with. Unset: the check reports unknown."),
  MAMORI_COMPLIANCE_MAX_CLOCK_SKEW_MS: z.coerce.number().int().min(1).max(600_000).default(1000).describe("Compliance check LOG-3: the largest clock difference from the NTP server accepted as synchronised."),
  MAMORI_COMPLIANCE_KEY_ROTATION_DAYS: z.coerce.number().int().min(1).max(3650).default(365).describe("Compliance check ENC-3: the key rotation period; the active KEK must be younger."),
  MAMORI_COMPLIANCE_BACKUP_MAX_AGE_HOURS: z.coerce.number().int().min(1).max(24 * 31).default(26).describe("Compliance check BAK-1: the oldest newest backup accepted."),
  MAMORI_COMPLIANCE_BACKUP_MIN_GENERATIONS: z.coerce.number().int().min(1).max(100).default(3).describe("Compliance check BAK-1: the fewest backup generations accepted."),
  MAMORI_COMPLIANCE_DRILL_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(3650).default(90).describe("Compliance check BAK-2: the oldest last successful restore drill accepted."),
  MAMORI_COMPLIANCE_ALERT_MAX_AGE_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(72).describe("Compliance check LOG-4: the oldest open (unacknowledged) intrusion detection alert accepted; an older one is not met."),
  MAMORI_COMPLIANCE_IDS_MAX_LAG: z.coerce.number().int().min(0).max(10_000_000).default(10_000).describe("Compliance check NET-1: the most audit entries the intrusion detection engine may be behind the audit trail's head."),
  MAMORI_COMPLIANCE_CHECK_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(20_000).describe("Time allowed to each compliance check; one that runs over is reported unknown."),
  MAMORI_PROVIDER_CONTACT: z.string().trim().min(1).max(500).optional().describe("サービス仕様適合開示書: the provider's contact for medical institutions (desk, e-mail, telephone). Unset: shown as 未記入."),
  MAMORI_SECURITY_OFFICER_NAME: z.string().trim().min(1).max(200).optional().describe("サービス仕様適合開示書: the appointed security officer (情報管理責任者) printed on the disclosure, name and title as appointed by the organisation. Unset: shown as 未記入 (never taken from whoever attested a control)."),
  MAMORI_PROVIDER_SUPPORT_HOURS: z.string().trim().min(1).max(200).optional().describe("サービス仕様適合開示書: hours the inquiry desk answers. Unset: shown as 未記入."),
  MAMORI_DATA_CENTRE_LOCATION: z.string().trim().min(1).max(200).optional().describe("サービス仕様適合開示書 and PROV-3: where the servers and data are (e.g. Tokyo region). Unset: shown as 未記入."),
  MAMORI_DATA_CENTRE_COUNTRY: z.string().trim().length(2).toUpperCase().optional().describe("PROV-3: ISO 3166-1 country code of the data centre (JP expected). Unset: shown as 未記入 and the check is not met."),
  MAMORI_SUBCONTRACTORS: z.string().trim().min(1).max(2000).optional().describe("サービス仕様適合開示書: subcontractors (再委託先) and what they do, separated by semicolons. Unset: shown as 未記入."),
  MAMORI_ACCESS_TOKEN_SECONDS: z.coerce.number().int().min(60).max(3600).default(300).describe("Lifetime of an OAuth access token in seconds. Short, because a bearer token works for whoever holds it; clients renew with their refresh token."),
  MAMORI_REFRESH_TOKEN_HOURS: z.coerce.number().int().min(1).max(90 * 24).default(168).describe("Absolute lifetime of an OAuth refresh token chain (grant) in hours: rotation never extends it past this many hours after sign-in."),
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
  ...idsEnvironmentShape,
});

export type Environment = z.infer<typeof environmentSchema>;
