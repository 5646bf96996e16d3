/** The slice of FHIR R4 Patient the UI reads and writes (https://hl7.org/fhir/R4/patient.html). */
export interface Extension {
  url: string;
  valueCode?: string;
}

export interface HumanName {
  use?: string;
  family?: string;
  given?: string[];
  text?: string;
  extension?: Extension[];
}

export interface Identifier {
  system?: string;
  value?: string;
}

export type AdministrativeGender = "male" | "female" | "other" | "unknown";

export interface Patient {
  resourceType: "Patient";
  id?: string;
  meta?: { versionId?: string; lastUpdated?: string };
  identifier?: Identifier[];
  name?: HumanName[];
  gender?: AdministrativeGender;
  birthDate?: string;
  telecom?: ContactPoint[];
}

/** FHIR R4 ContactPoint (Patient.telecom): an e-mail address has system `email`. */
export interface ContactPoint {
  system?: string;
  value?: string;
  use?: string;
  rank?: number;
}
