import { isMixingDuties } from "../../../shared/api/duties.js";
import type { Role } from "../../../shared/api/session.js";
import { grantAction, type RecordedAuditEntry } from "../../audit/index.js";
import type { Rule } from "../types.js";
import { groupBy, subjectOf } from "./entry-kinds.js";

/** A role granted to an account (identity role changes append one `access.grant` entry per direction). */
function isRoleGranted(entry: RecordedAuditEntry): boolean {
  if (entry.action !== grantAction || entry.grant?.kind !== "role" || entry.grant.change !== "granted") return false;
  // Accepting an invitation records the invited role as the new account's own grant: the invitation already counted.
  if (entry.grant.grantee.accountId !== undefined && entry.grant.grantee.accountId === entry.actor.accountId) return false;
  // Inviting staff is daily work; inviting another administrator, who can then create any account, deserves a look.
  if (entry.resource?.type === "Invitation") return (entry.grant.roles ?? []).includes("admin");
  return true;
}

/** An administrator's attempt to change their own roles, which the access policy refused. */
function isOwnRolesRefused(entry: RecordedAuditEntry): boolean {
  return entry.action === "identity.roles_change" && entry.outcome === "denied" && entry.reasonCode === "identity.own_roles";
}

/** The account's roles after the change, from the entry's reason `roles:<before>><after>`. */
function rolesAfter(entry: RecordedAuditEntry): Role[] {
  const after = entry.reasonCode?.startsWith("roles:") ? entry.reasonCode.split(">")[1] : undefined;
  return after ? (after.split("+") as Role[]) : [];
}

/**
 * Every role gained is future access that deserves a second look (ACC-2, AUTH-6): the alert's account is who made
 * the change; its evidence entries name whose roles and which (grantee and roles). High when the account now holds an
 * administrative and a clinical duty together, and on a refused attempt to change one's own roles.
 */
export function roleGained(): Rule {
  return {
    id: "role_gained",
    severity: "medium",
    description: {
      ja: "アカウントに役割が付与されました（または自分の役割を変更しようとして拒否されました）。職務の分離が保たれているか確認してください。",
      en: "An account was given a role (or someone was refused changing their own roles). Check that duties stay separated.",
    },
    retainMs: 0,
    async evaluate(entries) {
      const changes = entries.filter((entry) => isRoleGranted(entry) || isOwnRolesRefused(entry));
      return [...groupBy(changes, subjectOf).values()].map((group) => ({
        accountId: group[0]!.actor.accountId,
        ip: group.at(-1)!.network.ip,
        evidence: group.map((entry) => entry.seq),
        severity: group.some((entry) => isOwnRolesRefused(entry) || isMixingDuties(rolesAfter(entry))) ? ("high" as const) : ("medium" as const),
      }));
    },
  };
}
