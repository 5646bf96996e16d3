import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { Role } from "../../shared/api/session.js";
import { createAccess, type Access, type AccessAction, type AccessTarget } from "./index.js";

const patient: AccessTarget = { type: "Patient", id: "p-1" };
const system: AccessTarget = { type: "System" };

// ACC-1 (role and need-to-know), ACC-2 (administrators never see clinical data): role × action × target.
const matrix: Array<[readonly Role[], AccessAction, AccessTarget, boolean, string]> = [
  [["doctor"], "read", patient, true, "access.permitted"],
  [["doctor"], "create", patient, true, "access.permitted"],
  [["doctor"], "search", patient, true, "access.permitted"],
  [["doctor"], "update", patient, false, "access.no_permission"],
  [["doctor"], "delete", patient, false, "access.no_permission"],
  [["doctor"], "invite_user", system, false, "access.no_permission"],
  [["admin"], "read", patient, false, "access.admin_no_clinical"],
  [["admin"], "create", patient, false, "access.admin_no_clinical"],
  [["admin"], "search", patient, false, "access.admin_no_clinical"],
  [["admin"], "invite_user", system, true, "access.permitted"],
  [["admin", "doctor"], "read", patient, false, "access.admin_no_clinical"],
  [[], "read", patient, false, "access.no_permission"],
  [[], "invite_user", system, false, "access.no_permission"],
  // LOG-4 / LOG-2: the security officer and administrators review the audit trail; nobody else reads it.
  [["security_officer"], "read_audit", system, true, "access.permitted"],
  [["admin"], "read_audit", system, true, "access.permitted"],
  [["doctor"], "read_audit", system, false, "access.no_permission"],
  [[], "read_audit", system, false, "access.no_permission"],
  // ACC-2: the security officer sees logs, never medical content, and does not administer accounts.
  [["security_officer"], "read", patient, false, "access.no_permission"],
  [["security_officer"], "search", patient, false, "access.no_permission"],
  [["security_officer"], "create", patient, false, "access.no_permission"],
  [["security_officer"], "invite_user", system, false, "access.no_permission"],
];

describe("access policy (Cedar)", () => {
  let access: Access;
  before(async () => {
    access = await createAccess();
  });

  for (const [roles, action, target, allowed, reasonCode] of matrix) {
    it(`${allowed ? "allows" : "denies"} ${roles.join("+") || "no role"} to ${action} ${target.type} (${reasonCode})`, () => {
      const decision = access.decide({ accountId: "00000000-0000-4000-8000-000000000001", roles }, action, target);
      assert.equal(decision.allowed, allowed);
      assert.equal(decision.reasonCode, reasonCode);
    });
  }

  it("names the guideline control each policy serves", () => {
    for (const policy of access.policies()) assert.match(policy.annotations["control"] ?? "", /^[A-Z]+-\d+$/, policy.id);
  });
});
