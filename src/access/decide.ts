import { cedar } from "./cedar-runtime.js";
import type { Role } from "../../shared/api/session.js";
import type { NetworkContext } from "./networks.js";
import type { LoadedPolicy } from "./policy-set.js";

export type AccessAction = "read" | "create" | "update" | "delete" | "search" | "invite_user" | "read_audit" | "invite_patient" | "read_access_history" | "read_quarantine" | "read_key_status" | "read_backup_status" | "shred_patient" | "approve_shred" | "unlock_account" | "read_accounts" | "deactivate_account" | "reactivate_account" | "change_roles" | "manage_sessions" | "read_access_review" | "record_access_review" | "accept_invitation" | "read_invitations" | "revoke_invitation" | "manage_incidents" | "read_compliance" | "attest_control" | "approve_attestation" | "manage_ids" | "manage_watch_list" | "manage_oauth_clients" | "break_glass" | "review_break_glass" | "link_practitioner" | "approve_role_change" | "reject_role_change";

/**
 * What is being acted on: a Patient (portal, invitations, break-glass, shredding), or the system itself
 * (administration). Records and uploaded files are decided by the record authorizer instead.
 */
export type AccessTarget = { type: "Patient"; id: string } | { type: "System" };

export interface AccessSubject {
  accountId: string;
  roles: readonly Role[];
  /** For a patient account: its own Patient record, which policies compare with the resource. */
  patientId?: string | undefined;
  /** Where the request came from; the network policies compare it with the role's allowed networks. */
  network?: { ip: string } | undefined;
}

/**
  * Facts of the request the policies may read besides role and target: the care relationship an invitation rests
 * on (`relationship`, `relationshipSource`), `isOwnAccount` (the account acted on is the caller's), `isRequester`
 * (the caller asked for the change it is deciding), `isAttester` (the caller attested what it is approving). Policies that use one refuse when it is absent. Network facts
 * are added by the decider itself.
 */
export type DecisionContext = Readonly<Record<string, boolean | string>>;

export interface Decision {
  allowed: boolean;
  /** Reason code for the audit entry and the user: the deciding policy's @reason, else a generic one. */
  reasonCode: string;
  policyIds: string[];
}

const policySetId = "mamori";

/**
 * Builds the decision function over the loaded Cedar policies (parsed once, evaluated in-process).
 * @throws {Error} when the policies do not parse.
 */
export function createDecider(
  policies: readonly LoadedPolicy[],
  networkOf: (ip: string | undefined) => NetworkContext = () => ({ adminNetwork: true, securityNetwork: true }),
): (subject: AccessSubject, action: AccessAction, target: AccessTarget, context?: DecisionContext) => Decision {
  const staticPolicies = Object.fromEntries(policies.map((policy) => [policy.id, policy.text]));
  const parsed = cedar.preparsePolicySet(policySetId, { staticPolicies });
  if (parsed.type === "failure") throw new Error(parsed.errors.map((error) => error.message).join("; "));
  const byId = new Map(policies.map((policy) => [policy.id, policy]));

  return (subject, action, target, context = {}) => {
    const user = { type: "User", id: subject.accountId };
    const resource = { type: target.type, id: target.type === "System" ? "mamori" : target.id };
    const answer = cedar.statefulIsAuthorized({
      principal: user,
      action: { type: "Action", id: action },
      resource,
      // The network facts come last: a caller's context cannot claim a network it does not come from.
      context: { ...context, ...networkOf(subject.network?.ip) },
      preparsedPolicySetId: policySetId,
      entities: [
        {
          uid: user,
          attrs: subject.patientId ? { patient: { __entity: { type: "Patient", id: subject.patientId } } } : {},
          parents: subject.roles.map((role) => ({ type: "Role", id: role })),
        },
        ...subject.roles.map((role) => ({ uid: { type: "Role", id: role }, attrs: {}, parents: [] })),
        { uid: resource, attrs: {}, parents: [] },
      ],
    });
    // Fail closed: an evaluation error is a denial.
    if (answer.type === "failure") return { allowed: false, reasonCode: "access.policy_error", policyIds: [] };
    // Sorted: Cedar gives the determining policies as a set in no fixed order, and the first with a reason names it.
    const policyIds = [...answer.response.diagnostics.reason].sort();
    if (answer.response.diagnostics.errors.length > 0 && answer.response.decision !== "allow") {
      return { allowed: false, reasonCode: "access.policy_error", policyIds };
    }
    if (answer.response.decision === "allow") return { allowed: true, reasonCode: "access.permitted", policyIds };
    const reason = policyIds.map((id) => byId.get(id)?.annotations["reason"]).find(Boolean);
    return { allowed: false, reasonCode: reason ?? "access.no_permission", policyIds };
  };
}
