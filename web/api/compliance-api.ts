import type { AttestationRequest, AttestationViewResponse, ComplianceReportResponse } from "../../shared/api/index.js";
import { request } from "./http.js";

/** Runs every live check and returns the report; the server authorizes (`read_compliance`) and audits it. */
export function fetchComplianceReport(): Promise<ComplianceReportResponse> {
  return request<ComplianceReportResponse>("/api/compliance/report");
}

/** Records this security officer's signed attestation of a control (`attest_control`); it waits for approval. */
export function attestControl(body: AttestationRequest): Promise<AttestationViewResponse> {
  return request<AttestationViewResponse>("/api/compliance/attestations", { method: "POST", body });
}

/** Approves another person's pending attestation (`approve_attestation`, step-up). */
export function approveAttestation(id: string): Promise<AttestationViewResponse> {
  return request<AttestationViewResponse>(`/api/compliance/attestations/${encodeURIComponent(id)}/approve`, { method: "POST", body: {} });
}

/** Where the browser downloads a rendered document (plain link; the session cookie authenticates it). */
export function complianceDocumentUrl(kind: "report" | "disclosure", format: "json" | "html" | "pdf"): string {
  return `/api/compliance/documents/${kind}/${format}`;
}
