import type { Executor } from "../db/index.js";
import type { Principal } from "../kernel/index.js";
import type { AccessAction, AccessTarget, Decision } from "./decide.js";

export type RecordAction = "read" | "search" | "create" | "update" | "delete";
export type RecordCategory = "directory" | "demographic" | "clinical";
export type Confidentiality = "N" | "R" | "V";

/** A record as the policies see it: never its content, only what decides access. */
export interface RecordTarget {
  type: string;
  id: string;
  category: RecordCategory;
  patientId?: string | undefined;
  confidentiality: Confidentiality;
}

export interface RecordDecision extends Decision {
  /** Set when only an active break-glass grant allowed the access. */
  breakGlassId?: string | undefined;
}

export interface RecordAuthorizer {
  decide(action: RecordAction, target: RecordTarget): Promise<RecordDecision>;
}

/** What a record write changes for access: structural, so this module never imports the FHIR module. */
export interface RecordChange {
  resource: { resourceType: string; id?: string | undefined; [key: string]: unknown };
  patientId?: string | undefined;
  deleted: boolean;
  authorAccountId: string;
}

/** Decides record access for one principal by the patient compartment the record belongs to. */
export function createRecordAuthorizer(
  decide: (subject: Principal, action: AccessAction, target: AccessTarget) => Decision,
  principal: Principal,
  _executor?: Executor,
): RecordAuthorizer {
  return {
    async decide(action, target) {
      if (target.patientId === undefined) return { allowed: false, reasonCode: "access.no_permission", policyIds: [] };
      return decide(principal, action, { type: "Patient", id: target.patientId });
    },
  };
}
