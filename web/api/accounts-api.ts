import type { AccessReportView, ChangePasswordRequest, PendingRoleRequestList, RoleChangePending, SessionList, StaffRole } from "../../shared/api/index.js";
import { request } from "./http.js";
import { withStepUp } from "./step-up.js";

const account = (id: string) => `/api/admin/accounts/${encodeURIComponent(id)}`;

/** Every account with roles, status, last sign-in and lock state (administrators; `read_accounts`). */
export const fetchAccounts = (): Promise<AccessReportView> => request<AccessReportView>("/api/admin/accounts");
export const deactivateAccount = (id: string): Promise<void> => request<void>(`${account(id)}/deactivate`, { method: "POST" });
export const reactivateAccount = (id: string): Promise<void> => request<void>(`${account(id)}/reactivate`, { method: "POST" });
export const unlockAccount = (id: string): Promise<void> => request<void>(`${account(id)}/unlock`, { method: "POST" });
/** Applied at once (undefined), or waiting for a second administrator (the pending request); needs a recent second factor. */
export const changeRoles = (id: string, roles: StaffRole[]): Promise<RoleChangePending | undefined> =>
  withStepUp(() => request<RoleChangePending | undefined>(`${account(id)}/roles`, { method: "PUT", body: { roles } }));
const roleRequest = (id: string) => `/api/admin/role-requests/${encodeURIComponent(id)}`;
/** Role changes waiting for a second administrator, each saying whether the caller may approve it. */
export const fetchRoleRequests = (): Promise<PendingRoleRequestList> => request<PendingRoleRequestList>("/api/admin/role-requests");
export const approveRoleRequest = (id: string): Promise<void> => withStepUp(() => request<void>(`${roleRequest(id)}/approve`, { method: "POST" }));
export const rejectRoleRequest = (id: string): Promise<void> => request<void>(`${roleRequest(id)}/reject`, { method: "POST" });
export const fetchAccountSessions = (id: string): Promise<SessionList> => request<SessionList>(`${account(id)}/sessions`);
export const revokeAccountSession = (id: string, sessionId: string): Promise<void> =>
  request<void>(`${account(id)}/sessions/${encodeURIComponent(sessionId)}`, { method: "DELETE" });
export const revokeAllAccountSessions = (id: string): Promise<void> => request<void>(`${account(id)}/sessions`, { method: "DELETE" });

/** The access review (security officer, administrators; `read_access_review`). */
export const fetchAccessReview = (): Promise<AccessReportView> => request<AccessReportView>("/api/access-review");
/** A plain link downloads the CSV; the SameSite session cookie authenticates it. */
export const accessReviewCsvUrl = "/api/access-review.csv";
export const recordAccessReview = (note: string): Promise<void> => request<void>("/api/access-review/records", { method: "POST", body: { note } });

/** The signed-in user's own sessions and password. */
export const fetchMySessions = (): Promise<SessionList> => request<SessionList>("/api/account/sessions");
export const revokeMySession = (sessionId: string): Promise<void> => request<void>(`/api/account/sessions/${encodeURIComponent(sessionId)}`, { method: "DELETE" });
export const logOutEverywhere = (): Promise<void> => request<void>("/api/account/sessions/revoke-all", { method: "POST" });
export const changePassword = (body: ChangePasswordRequest): Promise<void> => request<void>("/api/account/password", { method: "POST", body });
