import type { Config } from "../config/index.js";
import type { Audit, AuditQuery } from "../audit/index.js";
import type { Identity } from "../identity/index.js";
import type { Clock } from "../kernel/index.js";
import type { Records } from "../fhir/index.js";
import type { Sessions } from "../session/index.js";

/** What the HTTP layer is given by main.ts: the domain modules' front doors, nothing lower. */
export interface HttpServices {
  config: Readonly<Config>;
  clock: Clock;
  audit: Audit;
  /** The security officer's search of the audit trail (authorizes and audits inside). */
  auditQuery: AuditQuery;
  identity: Identity;
  sessions: Sessions;
  records: Records;
  version: string;
}
