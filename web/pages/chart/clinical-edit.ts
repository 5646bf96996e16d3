import { allergyClinicalSystem, conditionClinicalSystem, type AllergyIntolerance, type Condition } from "../../api/fhir-clinical-types.js";

/** The resources whose name and status the chart edits. */
export type Editable = AllergyIntolerance | Condition;
export const statuses = ["active", "inactive", "resolved"] as const;
export type ClinicalStatus = (typeof statuses)[number];

/** The clinical-status code system of the resource type. */
export function systemOf(resource: Editable): string {
  return resource.resourceType === "AllergyIntolerance" ? allergyClinicalSystem : conditionClinicalSystem;
}

/** The edited copy: name (code.text) and clinical status changed, every other element kept as it was read. */
export function applyEdit<T extends Editable>(resource: T, text: string, status: ClinicalStatus): T {
  return { ...resource, code: { ...resource.code, text }, clinicalStatus: { coding: [{ system: systemOf(resource), code: status }] } };
}

