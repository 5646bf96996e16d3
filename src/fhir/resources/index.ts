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

const patientReference = /^Patient\/([A-Za-z0-9\-.]{1,64})$/;

/**
 * The id of the Patient a clinical resource belongs to, read from its compartment element (a relative
 * `Patient/<id>` reference; Provenance: its first target that is one). Undefined when the element is absent or
 * names something else.
 */
export function patientIdOf(type: SupportedType, resource: FhirResource): string | undefined {
  if (type === "Patient") return resource.id;
  const definition = resourceTypes[type];
  if (!("patientElement" in definition)) return undefined;
  const value = resource[definition.patientElement];
  const references = Array.isArray(value) ? value : [value];
  for (const reference of references) {
    const text = typeof reference === "object" && reference !== null ? (reference as { reference?: unknown }).reference : undefined;
    const match = typeof text === "string" ? patientReference.exec(text) : null;
    if (match) return match[1];
  }
  return undefined;
}

export type Confidentiality = "N" | "R" | "V";
const confidentialitySystem = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

/**
 * The highest sensitivity label in `meta.security` that changes who may see the resource: V (very restricted)
 * over R (restricted); anything else is normal (N). Labels L/M/U only describe and restrict no one further.
 */
export function confidentialityOf(resource: FhirResource): Confidentiality {
  const security = resource.meta?.["security"];
  if (!Array.isArray(security)) return "N";
  const codes = new Set(
    security
      .filter((coding): coding is { system?: unknown; code?: unknown } => typeof coding === "object" && coding !== null)
      .filter((coding) => coding.system === confidentialitySystem)
      .map((coding) => coding.code),
  );
  return codes.has("V") ? "V" : codes.has("R") ? "R" : "N";
}
