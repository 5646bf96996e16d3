import type { AccessHistoryResponse, InvitePatientRequest, PatientInvitationCreated } from "../../shared/api/index.js";
import { request } from "./http.js";

/**
 * A clinician in the patient's care invites the patient of a record to the portal: the server checks the policy,
 * mails the link to the address on the record and answers with the one-time code to hand over.
 */
export function invitePatient(body: InvitePatientRequest): Promise<PatientInvitationCreated> {
  return request<PatientInvitationCreated>("/api/patient-invitations", { method: "POST", body });
}

/** The signed-in patient's own access history, newest first. */
export function fetchAccessHistory(before?: number): Promise<AccessHistoryResponse> {
  return request<AccessHistoryResponse>(`/api/me/access-history${before ? `?before=${before}` : ""}`);
}

/** Where the proof that one access is in the signed audit trail is downloaded (checked offline by /verify-audit-proof.mjs). */
export function accessProofUrl(seq: number): string {
  return `/api/me/access-history/${seq}/proof`;
}
