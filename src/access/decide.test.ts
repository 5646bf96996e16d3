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
  // AUTH-6: the administrators who invite see and revoke pending invitations; nobody else.
  [["admin"], "read_invitations", system, true, "access.permitted"],
  [["admin"], "revoke_invitation", system, true, "access.permitted"],
  [["security_officer"], "read_invitations", system, false, "access.no_permission"],
  [["doctor"], "revoke_invitation", system, false, "access.no_permission"],
  // MAL-1: refused files are the security officer's. Uploaded files themselves are records (record-matrix.test.ts).
  [["security_officer"], "read_quarantine", system, true, "access.permitted"],
  // ACC-3: emergency access is for care-giving roles; its review is the security officer's; links are the admin's.
  [["doctor"], "break_glass", patient, true, "access.permitted"],
  [["nurse"], "break_glass", patient, true, "access.permitted"],
  [["pharmacist"], "break_glass", patient, true, "access.permitted"],
  [["clerk"], "break_glass", patient, false, "access.no_permission"],
  [["admin", "doctor"], "break_glass", patient, false, "access.admin_no_clinical"],
  [["security_officer"], "review_break_glass", system, true, "access.permitted"],
  [["doctor"], "review_break_glass", system, false, "access.no_permission"],
  [["admin"], "link_practitioner", system, true, "access.permitted"],
  [["security_officer"], "link_practitioner", system, false, "access.no_permission"],
  // NET-1 / LOG-4: only the security officer handles intrusion alerts, responses and the watch list.
  [["security_officer"], "manage_ids", system, true, "access.permitted"],
  [["security_officer"], "manage_watch_list", system, true, "access.permitted"],
  [["admin"], "manage_ids", system, false, "access.no_permission"],
  [["admin"], "manage_watch_list", system, false, "access.no_permission"],
  [["doctor"], "manage_ids", system, false, "access.no_permission"],
  [["doctor"], "manage_watch_list", system, false, "access.no_permission"],
  [["doctor"], "read_quarantine", system, false, "access.no_permission"],
  [["admin"], "read_quarantine", system, false, "access.no_permission"],
  // ENC-3 / PHR-2: only administrators see key status and shred a patient's records (with dual approval).
  [["admin"], "read_key_status", system, true, "access.permitted"],
  [["admin"], "shred_patient", patient, true, "access.permitted"],
  [["admin"], "approve_shred", patient, true, "access.permitted"],
  [["doctor"], "read_key_status", system, false, "access.no_permission"],
  [["doctor"], "shred_patient", patient, false, "access.no_permission"],
  [["doctor"], "approve_shred", patient, false, "access.no_permission"],
  [["security_officer"], "read_key_status", system, false, "access.no_permission"],
  [["security_officer"], "shred_patient", patient, false, "access.no_permission"],
  [["security_officer"], "approve_shred", patient, false, "access.no_permission"],
  // BAK-1 / BAK-2: administrators see the backup status.
  [["admin"], "read_backup_status", system, true, "access.permitted"],
  [["security_officer"], "read_backup_status", system, false, "access.no_permission"],
  [["doctor"], "read_backup_status", system, false, "access.no_permission"],
  [["patient"], "read_backup_status", system, false, "access.no_permission"],
  // AUTH-4: administrators and the security officer lift sign-in locks; nobody else does.
  [["admin"], "unlock_account", system, true, "access.permitted"],
  [["security_officer"], "unlock_account", system, true, "access.permitted"],
  [["doctor"], "unlock_account", system, false, "access.no_permission"],
  [["patient"], "unlock_account", system, false, "access.no_permission"],
  // AUTH-6: only administrators run account lifecycle and other people's sessions.
  [["admin"], "read_accounts", system, true, "access.permitted"],
  [["security_officer"], "read_accounts", system, false, "access.no_permission"],
  [["doctor"], "read_accounts", system, false, "access.no_permission"],
  [["admin"], "deactivate_account", system, true, "access.permitted"],
  [["security_officer"], "deactivate_account", system, false, "access.no_permission"],
  [["doctor"], "deactivate_account", system, false, "access.no_permission"],
  [["admin"], "reactivate_account", system, true, "access.permitted"],
  [["security_officer"], "reactivate_account", system, false, "access.no_permission"],
  [["doctor"], "reactivate_account", system, false, "access.no_permission"],
  [["admin"], "change_roles", system, true, "access.permitted"],
  [["security_officer"], "change_roles", system, false, "access.no_permission"],
  [["doctor"], "change_roles", system, false, "access.no_permission"],
  [["admin"], "approve_role_change", system, true, "access.permitted"],
  [["security_officer"], "approve_role_change", system, false, "access.no_permission"],
  [["admin"], "reject_role_change", system, true, "access.permitted"],
  [["doctor"], "reject_role_change", system, false, "access.no_permission"],
  [["admin"], "manage_sessions", system, true, "access.permitted"],
  [["security_officer"], "manage_sessions", system, false, "access.no_permission"],
  [["doctor"], "manage_sessions", system, false, "access.no_permission"],
  // AUTH-7: the security officer and administrators review access.
  [["admin"], "read_access_review", system, true, "access.permitted"],
  [["security_officer"], "read_access_review", system, true, "access.permitted"],
  [["doctor"], "read_access_review", system, false, "access.no_permission"],
  [["patient"], "read_access_review", system, false, "access.no_permission"],
  [["admin"], "record_access_review", system, true, "access.permitted"],
  [["security_officer"], "record_access_review", system, true, "access.permitted"],
  [["doctor"], "record_access_review", system, false, "access.no_permission"],
  [["patient"], "record_access_review", system, false, "access.no_permission"],
  // AUTH-6: whoever holds an invitation may accept it (the network policies narrow this for two roles).
  [["admin"], "accept_invitation", system, true, "access.permitted"],
  [["doctor"], "accept_invitation", system, true, "access.permitted"],
  [["security_officer"], "accept_invitation", system, true, "access.permitted"],
  // PROV-1 / ORG-1: only the security officer reads the compliance report and attests controls.
  [["security_officer"], "read_compliance", system, true, "access.permitted"],
  [["security_officer"], "attest_control", system, true, "access.permitted"],
  [["admin"], "read_compliance", system, false, "access.no_permission"],
  [["admin"], "attest_control", system, false, "access.no_permission"],
  [["doctor"], "approve_attestation", system, false, "access.no_permission"],
  [["doctor"], "read_compliance", system, false, "access.no_permission"],
  [["doctor"], "attest_control", system, false, "access.no_permission"],
  [["patient"], "attest_control", system, false, "access.no_permission"],
  // AUTH-7: only administrators register, list and disable OAuth client applications.
  [["admin"], "manage_oauth_clients", system, true, "access.permitted"],
  [["doctor"], "manage_oauth_clients", system, false, "access.no_permission"],
  [["security_officer"], "manage_oauth_clients", system, false, "access.no_permission"],
];

describe("access policy (Cedar)", () => {
  let access: Access;
  before(async () => {
    access = await createAccess();
  });

  for (const [roles, action, target, allowed, reasonCode] of matrix) {
    it(`${allowed ? "allows" : "denies"} ${roles.join("+") || "no role"} to ${action} ${target.type} (${reasonCode})`, () => {
      // A patient account is linked to its own record, p-own.
      const subject = { accountId: "00000000-0000-4000-8000-000000000001", roles, ...(roles.includes("patient") ? { patientId: "p-own" } : {}) };
      // Acting on another account, and deciding a request someone else made.
      const decision = access.decide(subject, action, target, { isOwnAccount: false, isRequester: false });
      assert.equal(decision.allowed, allowed);
      assert.equal(decision.reasonCode, reasonCode);
    });
  }

  it("names the guideline control each policy serves", () => {
    for (const policy of access.policies()) assert.match(policy.annotations["control"] ?? "", /^[A-Z]+-\d+$/, policy.id);
  });
});

// ACC-2: nobody changes their own roles or links their own account to a Practitioner, and a role change that needs
// a second administrator is approved by someone other than who asked; without the facts the policy refuses.
describe("access policy for grants of future access (Cedar context)", () => {
  let access: Access;
  before(async () => {
    access = await createAccess();
  });
  const admin = { accountId: "00000000-0000-4000-8000-0000000000ad", roles: ["admin"] as const };
  const rows: Array<[string, AccessAction, Record<string, boolean> | undefined, boolean, string]> = [
    ["changes another account's roles", "change_roles", { isOwnAccount: false }, true, "access.permitted"],
    ["never changes its own roles", "change_roles", { isOwnAccount: true }, false, "identity.own_roles"],
    ["never changes roles when whose account is not said", "change_roles", undefined, false, "identity.own_roles"],
    ["approves another administrator's request about a third account", "approve_role_change", { isOwnAccount: false, isRequester: false }, true, "access.permitted"],
    ["never approves its own request", "approve_role_change", { isOwnAccount: false, isRequester: true }, false, "identity.own_role_request"],
    ["never approves a request about its own account", "approve_role_change", { isOwnAccount: true, isRequester: false }, false, "identity.own_roles"],
    ["never approves when who asked is not said", "approve_role_change", { isOwnAccount: false }, false, "identity.own_role_request"],
    ["rejects or withdraws a request, its own included", "reject_role_change", { isOwnAccount: false, isRequester: true }, true, "access.permitted"],
    ["approves an attestation someone else made (ORG-1)", "approve_attestation", { isAttester: false, appointedTogether: false }, true, "access.permitted"],
    ["never approves its own attestation", "approve_attestation", { isAttester: true, appointedTogether: false }, false, "compliance.own_attestation"],
    ["never approves the attestation of an account it invited or gave roles", "approve_attestation", { isAttester: false, appointedTogether: true }, false, "compliance.approver_appointed_attester"],
    ["refuses an approval whose appointment facts are unknown", "approve_attestation", { isAttester: false }, false, "compliance.approver_appointed_attester"],
    ["never approves an attestation when who attested is not said", "approve_attestation", undefined, false, "compliance.approver_appointed_attester"],
    ["links another account to a Practitioner", "link_practitioner", { isOwnAccount: false }, true, "access.permitted"],
    ["never links its own account", "link_practitioner", { isOwnAccount: true }, false, "access.own_practitioner_link"],
    ["never links when whose account is not said", "link_practitioner", undefined, false, "access.own_practitioner_link"],
  ];
  for (const [sentence, action, context, allowed, reasonCode] of rows) {
    it(`an administrator ${sentence}`, () => {
      const decision = access.decide(admin, action, { type: "System" }, context);
      assert.deepEqual([decision.allowed, decision.reasonCode], [allowed, reasonCode]);
    });
  }
});

describe("access policy for patient accounts (Cedar)", () => {
  let access: Access;
  before(async () => {
    access = await createAccess();
  });
  const own: AccessTarget = { type: "Patient", id: "p-own" };
  const other: AccessTarget = { type: "Patient", id: "p-other" };
  const patient = { accountId: "00000000-0000-4000-8000-0000000000aa", roles: ["patient"] as const, patientId: "p-own" };
  const rows: Array<[string, AccessAction, AccessTarget, boolean]> = [
    ["reads its own record", "read", own, true],
    ["reads its own access history", "read_access_history", own, true],
    ["cannot read another patient's record", "read", other, false],
    ["cannot read another patient's access history", "read_access_history", other, false],
    ["cannot create records", "create", own, false],
    ["cannot search", "search", own, false],
    ["cannot invite patients", "invite_patient", own, false],
    ["cannot read the audit trail", "read_audit", { type: "System" }, false],
    ["cannot read the key status", "read_key_status", { type: "System" }, false],
    ["cannot shred its own record", "shred_patient", own, false],
    ["cannot approve shredding its own record", "approve_shred", own, false],
    ["cannot manage OAuth clients", "manage_oauth_clients", { type: "System" }, false],
  ];
  for (const [sentence, action, target, allowed] of rows) {
    it(`a patient ${sentence}`, () => assert.equal(access.decide(patient, action, target).allowed, allowed));
  }
  it("a patient role without a linked record reads nothing", () => {
    assert.equal(access.decide({ accountId: patient.accountId, roles: ["patient"] }, "read", own).allowed, false);
  });
  // AUTH-6 / ACC-1: a portal invitation grants the whole record, so it needs a care relationship (not break-glass).
  const inCare = { relationship: true, relationshipSource: "registered" };
  const outsideCare = { relationship: false, relationshipSource: "" };
  const invitations: Array<[Role, Record<string, boolean | string>, boolean, string]> = [
    ["doctor", inCare, true, "access.permitted"],
    ["nurse", { relationship: true, relationshipSource: "care_team" }, true, "access.permitted"],
    ["doctor", outsideCare, false, "access.no_care_relationship"],
    ["nurse", outsideCare, false, "access.no_care_relationship"],
    ["doctor", {}, false, "access.no_care_relationship"],
    ["pharmacist", inCare, false, "access.no_permission"],
    ["clerk", inCare, false, "access.no_permission"],
    ["admin", inCare, false, "access.no_permission"],
  ];
  for (const [role, context, allowed, reasonCode] of invitations) {
    it(`a ${role} ${allowed ? "may" : "may not"} invite a patient with relationship ${JSON.stringify(context["relationship"] ?? "absent")} (${reasonCode})`, () => {
      const decision = access.decide({ accountId: "00000000-0000-4000-8000-0000000000dd", roles: [role] }, "invite_patient", own, context);
      assert.deepEqual([decision.allowed, decision.reasonCode], [allowed, reasonCode]);
    });
  }
});

// NET-1: administrators and security officers act only from the networks configured for their role.
describe("access policy by network (Cedar context)", () => {
  let access: Access;
  before(async () => {
    access = await createAccess({ networks: { admin: ["10.1.0.0/16", "fd00:1::/64"], securityOfficer: ["10.2.0.0/24", "192.0.2.9"] } });
  });
  const own: AccessTarget = { type: "Patient", id: "p-1" };
  const rows: Array<[readonly Role[], string | undefined, AccessAction, AccessTarget, boolean, string]> = [
    [["admin"], "10.1.2.3", "invite_user", system, true, "access.permitted"],
    [["admin"], "::ffff:10.1.2.3", "invite_user", system, true, "access.permitted"],
    [["admin"], "fd00:1::5", "read_key_status", system, true, "access.permitted"],
    [["admin"], "192.0.2.1", "invite_user", system, false, "access.untrusted_network"],
    [["admin"], "fd00:2::5", "read_audit", system, false, "access.untrusted_network"],
    [["admin"], "10.2.0.1", "shred_patient", own, false, "access.untrusted_network"],
    [["admin"], undefined, "invite_user", system, false, "access.untrusted_network"],
    [["admin"], "192.0.2.1", "accept_invitation", system, false, "access.untrusted_network"],
    [["admin"], "10.1.0.1", "accept_invitation", system, true, "access.permitted"],
    [["security_officer"], "10.2.0.200", "read_audit", system, true, "access.permitted"],
    [["security_officer"], "192.0.2.9", "read_quarantine", system, true, "access.permitted"],
    [["security_officer"], "10.1.2.3", "read_audit", system, false, "access.untrusted_network"],
    [["security_officer"], "10.2.1.1", "accept_invitation", system, false, "access.untrusted_network"],
    // Only the roles with lists are restricted; an administrator's other role does not lift the restriction.
    [["doctor"], "192.0.2.1", "read", own, true, "access.permitted"],
    [["doctor"], "192.0.2.1", "accept_invitation", system, true, "access.permitted"],
    [["patient"], "198.51.100.1", "accept_invitation", system, true, "access.permitted"],
    [["admin", "security_officer"], "10.1.2.3", "read_audit", system, false, "access.untrusted_network"],
  ];
  for (const [roles, ip, action, target, allowed, reasonCode] of rows) {
    it(`${allowed ? "allows" : "denies"} ${roles.join("+")} from ${ip ?? "an unknown address"} to ${action} (${reasonCode})`, () => {
      const decision = access.decide({ accountId: "00000000-0000-4000-8000-000000000002", roles, network: ip === undefined ? undefined : { ip } }, action, target);
      assert.equal(decision.allowed, allowed);
      assert.equal(decision.reasonCode, reasonCode);
    });
  }

  it("lets no fact a caller passes stand in for the network facts", () => {
    const outside = { accountId: "00000000-0000-4000-8000-000000000002", roles: ["admin"] as const, network: { ip: "192.0.2.1" } };
    const decision = access.decide(outside, "change_roles", system, { isOwnAccount: false, adminNetwork: true });
    assert.deepEqual([decision.allowed, decision.reasonCode], [false, "access.untrusted_network"]);
  });

  it("gives the configured lists to the compliance checks, read-only", () => {
    const lists = access.networkAllowLists();
    assert.deepEqual(lists, { admin: ["10.1.0.0/16", "fd00:1::/64"], securityOfficer: ["10.2.0.0/24", "192.0.2.9"] });
    assert.ok(Object.isFrozen(lists) && Object.isFrozen(lists.admin));
  });

  it("restricts nobody when no list is configured", async () => {
    const open = await createAccess();
    assert.deepEqual(open.networkAllowLists(), { admin: [], securityOfficer: [] });
    assert.equal(open.decide({ accountId: "a", roles: ["admin"], network: { ip: "203.0.113.1" } }, "invite_user", system).allowed, true);
  });
});
