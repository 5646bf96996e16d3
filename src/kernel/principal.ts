import type { Role } from "../../shared/api/session.js";

/**
 * Who is asking, as established by authentication. Every function that returns or changes medical data takes one.
 * `network` is recorded in the audit trail (where the request came from).
 */
export interface Principal {
  accountId: string;
  roles: readonly Role[];
  sessionId: string;
  network: RequestOrigin;
  /** The client application acting for the user, e.g. `mamori-web` (the browser UI through its server-side session). */
  client?: string | undefined;
  /** For a patient account: the Patient record it belongs to (the only record it may see). */
  patientId?: string | undefined;
  /** For a bearer token: its OAuth/SMART scopes, which narrow what the account may do. Absent for web sessions. */
  scopes?: readonly string[] | undefined;
}

/** Where a request came from, for the audit trail. */
export interface RequestOrigin {
  ip: string;
  userAgent: string;
}
