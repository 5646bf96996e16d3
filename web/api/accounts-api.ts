import type { AccessReportView, ChangePasswordRequest, SessionList, StaffRole } from "../../shared/api/index.js";
import { request } from "./http.js";

const account = (id: string) => `/api/admin/accounts/${encodeURIComponent(id)}`;

/** Every account with roles, status, last sign-in and lock state (administrators; `read_accounts`). */
export const fetchAccounts = (): Promise<AccessReportView> => request<AccessReportView>("/api/admin/accounts");
export const deactivateAccount = (id: string): Promise<void> => request<void>(`${account(id)}/deactivate`, { method: "POST" });
export const reactivateAccount = (id: string): Promise<void> => request<void>(`${account(id)}/reactivate`, { method: "POST" });
export const unlockAccount = (id: string): Promise<void> => request<void>(`${account(id)}/unlock`, { method: "POST" });
export const changeRoles = (id: string, roles: StaffRole[]): Promise<void> => request<void>(`${account(id)}/roles`, { method: "PUT", body: { roles } });
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
