import type { Role } from "./session.js";

/**
 * Separation of duties (ACC-2): running the system and overseeing it are administrative duties, giving care and
 * registering patients are clinical ones. One account should not hold both, so a role change that gives an
 * administrative duty or mixes the two waits for a second administrator, and intrusion detection flags it.
 */
export const administrativeRoles: readonly Role[] = ["admin", "security_officer"];
export const clinicalRoles: readonly Role[] = ["doctor", "nurse", "pharmacist", "clerk"];

/** Whether a set of roles holds an administrative and a clinical duty at once. */
export function isMixingDuties(roles: readonly Role[]): boolean {
  return roles.some((role) => administrativeRoles.includes(role)) && roles.some((role) => clinicalRoles.includes(role));
}

/**
 * Whether replacing `current` with `next` needs a second administrator's approval: it adds an administrative role,
 * or adds a clinical role to an account that holds an administrative one.
 */
export function needsSecondApproval(current: readonly Role[], next: readonly Role[]): boolean {
  const added = next.filter((role) => !current.includes(role));
  if (added.some((role) => administrativeRoles.includes(role))) return true;
  return added.some((role) => clinicalRoles.includes(role)) && current.some((role) => administrativeRoles.includes(role));
}
