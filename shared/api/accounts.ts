import { z } from "zod";
import { role, staffRole } from "./session.js";

/** An account named in a path. */
export const accountParams = z.object({ id: z.uuid() });

/** The signed-in user's own password change. */
export const changePasswordRequest = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(1).max(1024),
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequest>;

/** An administrator replaces a staff account's roles. */
export const changeRolesRequest = z.object({ roles: z.array(staffRole).min(1).max(staffRole.options.length) });
export type ChangeRolesRequest = z.infer<typeof changeRolesRequest>;

/** A role change stored until a second administrator approves it (answered 202). Times are epoch milliseconds. */
export const roleChangePending = z.object({ requestId: z.string(), expiresAt: z.number() });
export type RoleChangePending = z.infer<typeof roleChangePending>;

/** A role change request named in a path. */
export const roleRequestParams = z.object({ id: z.uuid() });

/** A role change waiting for a second administrator; `canApprove` says whether the caller may approve it. */
export const pendingRoleRequest = z.object({
  id: z.string(),
  accountId: z.string(),
  accountName: z.string(),
  /** The whole set of roles asked for, and the set it replaces. */
  roles: z.array(role),
  previousRoles: z.array(role),
  requestedBy: z.string(),
  requesterName: z.string(),
  requestedAt: z.number(),
  expiresAt: z.number(),
  canApprove: z.boolean(),
});
export type PendingRoleRequest = z.infer<typeof pendingRoleRequest>;
export const pendingRoleRequestList = z.object({ requests: z.array(pendingRoleRequest) });
export type PendingRoleRequestList = z.infer<typeof pendingRoleRequestList>;

/** One account in the access review and the administrators' account list. Times are epoch milliseconds. */
export const accountReviewRow = z.object({
  id: z.string(),
  displayName: z.string(),
  email: z.string(),
  kind: z.enum(["staff", "patient"]),
  roles: z.array(role),
  status: z.enum(["active", "disabled"]),
  createdAt: z.number(),
  lastSignInAt: z.number().optional(),
  /** Enrolled second factors, e.g. `totp`. */
  secondFactors: z.array(z.string()),
  failedAttempts: z.number(),
  /** Set while sign-in is locked. */
  lockedUntil: z.number().optional(),
});
export type AccountReviewRow = z.infer<typeof accountReviewRow>;

export const accessReportView = z.object({
  generatedAt: z.number(),
  accounts: z.array(accountReviewRow),
  lastReview: z.object({ reviewedBy: z.string(), reviewerName: z.string().optional(), reviewedAt: z.number(), note: z.string() }).optional(),
});
export type AccessReportView = z.infer<typeof accessReportView>;

/** Records that an access review took place. */
export const recordAccessReviewRequest = z.object({ note: z.string().trim().max(2000) });
export type RecordAccessReviewRequest = z.infer<typeof recordAccessReviewRequest>;

/** An open browser session, as its owner or an administrator sees it. Times are epoch milliseconds. */
export const sessionListItem = z.object({
  id: z.string(),
  createdAt: z.number(),
  lastSeenAt: z.number(),
  ip: z.string(),
  userAgent: z.string(),
  /** False while between the password and the second factor. */
  isSignedIn: z.boolean(),
  /** The session making this request. */
  isCurrent: z.boolean(),
});
export type SessionListItem = z.infer<typeof sessionListItem>;
export const sessionList = z.object({ sessions: z.array(sessionListItem) });
export type SessionList = z.infer<typeof sessionList>;
export const sessionParams = z.object({ sessionId: z.uuid() });
export const accountSessionParams = z.object({ id: z.uuid(), sessionId: z.uuid() });
