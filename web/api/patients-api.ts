import type { Patient } from "./fhir-types.js";
import { request } from "./http.js";

/** A FHIR logical id: https://hl7.org/fhir/R4/datatypes.html#id */
export const fhirIdPattern = /^[A-Za-z0-9\-.]{1,64}$/;

/** Reads one Patient; the server authorizes and audits the read. */
export function readPatient(id: string): Promise<Patient> {
  return request<Patient>(`/fhir/R4/Patient/${encodeURIComponent(id)}`);
}

/** Creates a Patient and returns it as stored (with id and meta.versionId). */
export function createPatient(patient: Patient): Promise<Patient> {
  return request<Patient>("/fhir/R4/Patient", { method: "POST", body: patient, contentType: "application/fhir+json" });
}
