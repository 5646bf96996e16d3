import { AppError, type Principal } from "../kernel/index.js";
import type { RecordAction, RecordAuthorizer, RecordTarget, RecordWrite } from "./records-authorizer.js";
import { scopesPermit } from "./smart-scopes.js";

/** What a permitted access is audited with: the permitting policies, or the break-glass grant it rested on. */
export interface RecordPermission {
  reasonCode: string;
  breakGlass: boolean;
}

/**
 * Authorizes one interaction with a patient's record, whichever module stores it (FHIR resources, uploaded files):
 * a bearer token's SMART scopes narrow the account's own permissions (both must allow), then the record policies
 * decide. An update is decided on what it changes (`write`). Returns what the audit entry records.
 * @throws {AppError} `access.denied` with the deciding reason.
 */
export async function authorizeRecord(principal: Principal, authorizer: RecordAuthorizer, action: RecordAction, target: RecordTarget, write?: RecordWrite): Promise<RecordPermission> {
  // Relabelling is part of an update, so a token may do it where it may update.
  const interaction = action === "relabel" ? "update" : action;
  if (principal.scopes && !scopesPermit(principal.scopes, { interaction, resourceType: target.type, patientId: target.patientId, launchPatient: principal.patientId })) {
    throw new AppError("access.denied", { detail: "oauth.insufficient_scope" });
  }
  const decision = await authorizer.decide(action, target, write);
  if (!decision.allowed) throw new AppError("access.denied", { detail: decision.reasonCode });
  if (decision.breakGlassId) return { reasonCode: `access.break_glass:${decision.breakGlassId}`, breakGlass: true };
  return { reasonCode: decision.policyIds.join(",") || decision.reasonCode, breakGlass: false };
}
