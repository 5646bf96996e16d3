import { isSupportedType, resourceTypes, type FhirResource } from "../resources/index.js";

/** FHIR R4 `id`. */
const fhirId = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * The id of the Patient a clinical resource's compartment element (contracts: `resourceTypes[type].patientElement`,
 * e.g. Observation.subject, AllergyIntolerance.patient, Provenance.target) refers to (`Patient/<id>` relative references
 * only). For Provenance it is read from the first target alone: a first target that is not a Patient gives
 * undefined, and the caller resolves the patient through that target. Undefined for Patient itself, directory types,
 * a missing element, or a reference that is absolute, logical only, or to something other than a Patient.
 */
export function referencedPatientId(type: string, resource: FhirResource): string | undefined {
  if (!isSupportedType(type)) return undefined;
  const definition = resourceTypes[type];
  if (!("patientElement" in definition)) return undefined;
  const value = resource[definition.patientElement];
  const reference = Array.isArray(value) ? value[0] : value;
  const text = typeof reference === "object" && reference !== null ? (reference as { reference?: unknown }).reference : undefined;
  return typeof text === "string" ? patientIdIn(text) : undefined;
}

/** `Patient/<id>`, or `Patient/<id>/_history/<version>` (a relative reference to one version of the patient). */
function patientIdIn(reference: string): string | undefined {
  const [kind, id, history, version, ...rest] = reference.split("/");
  if (kind !== "Patient" || id === undefined || !fhirId.test(id) || rest.length > 0) return undefined;
  if (history === undefined) return id;
  return history === "_history" && version !== undefined && fhirId.test(version) ? id : undefined;
}
