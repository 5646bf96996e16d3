/** Any stored resource: a JSON object with resourceType and, once stored, id and meta. */
export interface FhirResource {
  resourceType: string;
  id?: string;
  meta?: { versionId?: string; lastUpdated?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/**
 * Whose data a type is, which decides its data key and its access rules:
 * - `directory`: people and places of the organisation, no patient; encrypted under the service's own data key;
 * - `demographic`: the Patient itself (registration data);
 * - `clinical`: belongs to exactly one patient (the patient compartment), encrypted under that patient's key.
 */
export type RecordCategory = "directory" | "demographic" | "clinical";

/**
 * The resource types the records module stores, with the element naming the patient of a clinical type (FHIR R4
 * CompartmentDefinition "Patient", narrowed to the one reference each type must have here). Binary lives in the
 * uploads module and AuditEvent in the audit module; both are served beside these on the same FHIR base.
 */
export const resourceTypes = {
  Patient: { category: "demographic" },
  Practitioner: { category: "directory" },
  PractitionerRole: { category: "directory" },
  Organization: { category: "directory" },
  CareTeam: { category: "clinical", patientElement: "subject" },
  Encounter: { category: "clinical", patientElement: "subject" },
  Observation: { category: "clinical", patientElement: "subject" },
  DiagnosticReport: { category: "clinical", patientElement: "subject" },
  Condition: { category: "clinical", patientElement: "subject" },
  AllergyIntolerance: { category: "clinical", patientElement: "patient" },
  MedicationRequest: { category: "clinical", patientElement: "subject" },
  DocumentReference: { category: "clinical", patientElement: "subject" },
  Consent: { category: "clinical", patientElement: "patient" },
  Provenance: { category: "clinical", patientElement: "target" },
} as const satisfies Record<string, { category: RecordCategory; patientElement?: string }>;

export type SupportedType = keyof typeof resourceTypes;

export function isSupportedType(type: string): type is SupportedType {
  return Object.hasOwn(resourceTypes, type);
}

export function categoryOf(type: SupportedType): RecordCategory {
  return resourceTypes[type].category;
}
