import type { AccessHistoryResponse, CreateInvitationResponse, InvitePatientRequest } from "../../shared/api/index.js";
import { request } from "./http.js";

/** A doctor invites the patient of a record to the portal; the server checks the policy and audits. */
export function invitePatient(body: InvitePatientRequest): Promise<CreateInvitationResponse> {
  return request<CreateInvitationResponse>("/api/patient-invitations", { method: "POST", body });
}

/** The signed-in patient's own access history, newest first. */
export function fetchAccessHistory(before?: number): Promise<AccessHistoryResponse> {
  return request<AccessHistoryResponse>(`/api/me/access-history${before ? `?before=${before}` : ""}`);
}
