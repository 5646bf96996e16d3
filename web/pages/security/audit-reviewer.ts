import type { Role } from "../../../shared/api/index.js";

/** Who sees the audit log in the UI; the server's policy (read_audit) decides for real. */
export function canReviewAudit(roles: readonly Role[]): boolean {
  return roles.includes("security_officer") || roles.includes("admin");
}
