import type { Principal } from "../kernel/index.js";
import type { AuditEntry } from "./entry.js";

/** The "who" of an audit entry (IHE BALP / FHIR AuditEvent.agent): account, roles, session and client application. */
export function actorOf(principal: Principal): AuditEntry["actor"] {
  return { accountId: principal.accountId, roles: principal.roles, sessionId: principal.sessionId, ...(principal.client ? { client: principal.client } : {}) };
}
