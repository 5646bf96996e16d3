import type {
  AcceptInvitationRequest,
  CreateInvitationRequest,
  CreateInvitationResponse,
  EnrolmentCompleted,
  InvitationView,
  LoginRequest,
  PendingInvitationList,
  SessionView,
  TotpEnrolmentStart,
} from "../../shared/api/index.js";
import { request } from "./http.js";
import { withStepUp } from "./step-up.js";

/** Reads where the browser session stands (this also refreshes the server's idle timer). */
export function fetchSession(): Promise<SessionView> {
  return request<SessionView>("/api/session", { reportsEvents: false });
}

/** Refreshes the session on purpose, e.g. when the user answers the idle warning. */
export function keepSessionAlive(): Promise<SessionView> {
  return request<SessionView>("/api/session", { reportsEvents: false });
}

export function login(body: LoginRequest): Promise<SessionView> {
  return request<SessionView>("/api/auth/login", { method: "POST", body });
}

export function verifyTotp(code: string): Promise<SessionView> {
  return request<SessionView>("/api/auth/totp/verify", { method: "POST", body: { code } });
}

export function startTotpEnrolment(): Promise<TotpEnrolmentStart> {
  return request<TotpEnrolmentStart>("/api/auth/totp/enrolment", { method: "POST", body: {} });
}

export function confirmTotpEnrolment(code: string): Promise<EnrolmentCompleted> {
  return request<EnrolmentCompleted>("/api/auth/totp/enrolment/confirm", { method: "POST", body: { code } });
}

export function logout(): Promise<void> {
  return request<void>("/api/auth/logout", { method: "POST", body: {}, reportsEvents: false });
}

export function lookUpInvitation(token: string): Promise<InvitationView> {
  return request<InvitationView>("/api/invitations/lookup", { method: "POST", body: { token } });
}

export function acceptInvitation(body: AcceptInvitationRequest): Promise<SessionView> {
  return request<SessionView>("/api/invitations/accept", { method: "POST", body });
}

export function createInvitation(body: CreateInvitationRequest): Promise<CreateInvitationResponse> {
  // Inviting is privileged: a stale second factor is re-verified in a dialog, then the invitation is retried.
  return withStepUp(() => request<CreateInvitationResponse>("/api/admin/invitations", { method: "POST", body }));
}

/** Staff invitations not yet used, expired or revoked (administrators; `read_invitations`). No tokens. */
export function fetchPendingInvitations(): Promise<PendingInvitationList> {
  return request<PendingInvitationList>("/api/admin/invitations");
}

/** Withdraws a pending invitation so its link stops working (administrators; `revoke_invitation`). */
export function revokeInvitation(id: string): Promise<void> {
  return request<void>(`/api/admin/invitations/${encodeURIComponent(id)}`, { method: "DELETE" });
}
