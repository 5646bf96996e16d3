import { allergyClinicalSystem, allergyVerificationSystem, codeIn, snomedSystem, type AllergyIntolerance } from "../../api/fhir-clinical-types.js";

/** SNOMED CT 716186003 |No known allergy|: the explicit "asked, and there is none" record (IPS and JP Core use it). */
export const noKnownAllergyCode = "716186003";

export type AllergyCategory = NonNullable<AllergyIntolerance["category"]>[number];
export type AllergyCriticality = NonNullable<AllergyIntolerance["criticality"]>;

/** What the chart can say about a patient's allergies: never "none" unless someone recorded that they asked. */
export type AllergyStatus = { kind: "unrecorded" } | { kind: "noKnownAllergies"; record: AllergyIntolerance } | { kind: "allergies"; active: AllergyIntolerance[] };

const isActive = (allergy: AllergyIntolerance) => (codeIn(allergy.clinicalStatus, allergyClinicalSystem) ?? "active") === "active";
const isRefuted = (allergy: AllergyIntolerance) => codeIn(allergy.verificationStatus, allergyVerificationSystem) === "refuted" || codeIn(allergy.verificationStatus, allergyVerificationSystem) === "entered-in-error";
export const isNoKnownAllergy = (allergy: AllergyIntolerance) => codeIn(allergy.code, snomedSystem) === noKnownAllergyCode;

/** Active allergies win over a "no known allergy" record; with neither, the status is unrecorded. */
export function allergyStatus(allergies: readonly AllergyIntolerance[]): AllergyStatus {
  const current = allergies.filter((allergy) => isActive(allergy) && !isRefuted(allergy));
  const active = current.filter((allergy) => !isNoKnownAllergy(allergy));
  if (active.length > 0) return { kind: "allergies", active };
  const record = current.find(isNoKnownAllergy);
  return record ? { kind: "noKnownAllergies", record } : { kind: "unrecorded" };
}

const clinical = (code: "active" | "inactive") => ({ coding: [{ system: allergyClinicalSystem, code }] });
const confirmed = { coding: [{ system: allergyVerificationSystem, code: "confirmed" }] };

/** A new allergy as the clinician typed it (substance as text; coding is left to a terminology service). */
export function buildAllergy(patientId: string, input: { substance: string; category: AllergyCategory; criticality: AllergyCriticality; reaction: string }, at: Date): AllergyIntolerance {
  const reaction = input.reaction.trim();
  return {
    resourceType: "AllergyIntolerance",
    patient: { reference: `Patient/${patientId}` },
    clinicalStatus: clinical("active"),
    verificationStatus: confirmed,
    category: [input.category],
    criticality: input.criticality,
    code: { text: input.substance.trim() },
    ...(reaction ? { reaction: [{ manifestation: [{ text: reaction }] }] } : {}),
    recordedDate: at.toISOString(),
  };
}

/** The record that the patient was asked and has no known allergy. */
export function buildNoKnownAllergy(patientId: string, text: string, at: Date): AllergyIntolerance {
  return {
    resourceType: "AllergyIntolerance",
    patient: { reference: `Patient/${patientId}` },
    clinicalStatus: clinical("active"),
    verificationStatus: confirmed,
    code: { coding: [{ system: snomedSystem, code: noKnownAllergyCode, display: "No known allergy" }], text },
    recordedDate: at.toISOString(),
  };
}

/** A "no known allergy" record made inactive because an allergy has now been recorded. */
export function superseded(record: AllergyIntolerance): AllergyIntolerance {
  return { ...record, clinicalStatus: clinical("inactive") };
}
