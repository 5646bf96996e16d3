import type { CareStandingResponse } from "../../shared/api/index.js";
import { request } from "./http.js";

/** Why a clinician is in a patient's care (contract: GET /api/care/patients). */
export type CareSource = "care_team" | "encounter" | "department" | "registered";

export interface CarePatient {
  patientId: string;
  sources: CareSource[];
}

/**
 * The signed-in clinician's patients through a care relationship.
 * @throws RequestError when the server refuses.
 */
export async function fetchMyPatients(): Promise<CarePatient[]> {
  return (await request<{ patients: CarePatient[] }>("/api/care/patients")).patients;
}

/**
 * How the signed-in clinician stands with one patient: care relationships and an emergency grant in force.
 * @throws RequestError when the server refuses.
 */
export function fetchCareStanding(patientId: string): Promise<CareStandingResponse> {
  return request<CareStandingResponse>(`/api/care/patients/${encodeURIComponent(patientId)}`);
}
