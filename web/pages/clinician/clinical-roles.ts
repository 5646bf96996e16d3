import type { Role } from "../../../shared/api/index.js";

/** The roles that treat patients and so see and edit charts (the server's policy decides each request). */
const clinicalRoles: readonly string[] = ["doctor", "nurse", "pharmacist"];

/** True when one of the roles treats patients. */
export function isClinician(roles: readonly Role[]): boolean {
  return roles.some((role) => clinicalRoles.includes(role));
}
