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
