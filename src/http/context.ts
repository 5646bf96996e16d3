import type { AccessManagement } from "../access/index.js";
import type { Config } from "../config/index.js";
import type { Audit, AuditProofs, AuditQuery, PatientHistory } from "../audit/index.js";
import type { BackupStatusReader } from "../backup/index.js";
import type { Compliance } from "../compliance/index.js";
import type { KeyStatusReader } from "../crypto/index.js";
import type { Incidents } from "../incidents/index.js";
import type { Ids } from "../ids/index.js";
import type { Identity, Oidc } from "../identity/index.js";
import type { Clock } from "../kernel/index.js";
import type { PageTokens, Records, Shredding } from "../fhir/index.js";
import type { RateLimiter } from "../rate-limit/index.js";
import type { Sessions } from "../session/index.js";
import type { Uploads } from "../uploads/index.js";
import type { Metrics } from "../ops/metrics.js";
import type { Readiness } from "../ops/readiness.js";

/** What the HTTP layer is given by main.ts: the domain modules' front doors, nothing lower. */
export interface HttpServices {
  config: Readonly<Config>;
  clock: Clock;
  audit: Audit;
  /** The security officer's search of the audit trail (authorizes and audits inside). */
  auditQuery: AuditQuery;
  patientHistory: PatientHistory;
  /** Merkle inclusion and consistency proofs of the audit trail and its public signing keys (authorizes and audits inside). */
  auditProofs: AuditProofs;
  identity: Identity;
  sessions: Sessions;
  records: Records;
  /** Sealed page links of FHIR searches and histories (no parameters in URLs). */
  pageTokens: PageTokens;
  /** Uploaded files: sanitise, store, download, quarantine (authorizes and audits inside). */
  uploads: Uploads;
  /** The administrator's key status (authorizes `read_key_status` and audits inside). */
  keyStatus: KeyStatusReader;
  /** The administrator's backup and restore drill status (authorizes `read_backup_status` and audits inside). */
  backupStatus: BackupStatusReader;
  /** Crypto-shredding of a patient with dual approval (authorizes and audits inside). */
  shredding: Shredding;
  /** Compliance report, documents and attestations (authorizes `read_compliance` / `attest_control` and audits inside). */
  compliance: Compliance;
  /** Intrusion detection: the security officer's queue and the restriction checks (authorizes and audits inside). */
  ids: Pick<Ids, "officer" | "checks">;
  /** The OpenID Connect / OAuth 2.0 provider, its clients and bearer-token authentication. */
  oidc: Oidc;
  version: string;
  /** Request budgets per address, account and client (Redis or database counters). */
  rateLimiter: RateLimiter;
  /** Incident records and emergency actions for the security officer (authorizes and audits inside). */
  incidents: Incidents;
  /** Readiness for the load balancer and this node's Prometheus metrics (GET /health/*, /metrics). */
  operations: { readiness: Readiness; metrics: Metrics };
  /** Break-glass grants and reviews, care relationships, staff ↔ Practitioner links (authorizes and audits inside). */
  accessManagement: AccessManagement;
}
