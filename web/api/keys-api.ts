import type { KeyStatusResponse, ShredApprovalRequest, ShredPatientResponse } from "../../shared/api/index.js";
import { request } from "./http.js";
import { withStepUp } from "./step-up.js";

/** The key status for administrators; the server authorizes (`read_key_status`) and audits the reading. */
export function fetchKeyStatus(): Promise<KeyStatusResponse> {
  return request<KeyStatusResponse>("/api/admin/keys");
}

/** Records this administrator's approval to shred a patient's records before the retention period ends. */
export function approveShred(patientId: string, body: ShredApprovalRequest): Promise<void> {
  return withStepUp(() => request<void>(`/api/admin/patients/${encodeURIComponent(patientId)}/shred-approvals`, { method: "POST", body }));
}

/** Shreds a patient's data keys; refused (409 `fhir.shred_blocked`) without two administrators' approval. */
export function shredPatient(patientId: string): Promise<ShredPatientResponse> {
  return withStepUp(() => request<ShredPatientResponse>(`/api/admin/patients/${encodeURIComponent(patientId)}/shred`, { method: "POST" }));
}
