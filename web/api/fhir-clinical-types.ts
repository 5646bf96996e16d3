/**
 * The slices of FHIR R4 clinical resources the chart reads and writes (https://hl7.org/fhir/R4/).
 * Only the elements shown or edited are declared; everything else a resource carries is kept as is on update.
 */
import type { Patient } from "./fhir-types.js";

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Reference {
  reference?: string;
  display?: string;
}

export interface Quantity {
  value?: number;
  unit?: string;
  system?: string;
  code?: string;
}

export interface Period {
  start?: string;
  end?: string;
}

export interface Annotation {
  text: string;
  time?: string;
}

interface ResourceBase {
  id?: string;
  meta?: { versionId?: string; lastUpdated?: string; security?: Coding[] };
}

export interface AllergyIntolerance extends ResourceBase {
  resourceType: "AllergyIntolerance";
  patient: Reference;
  clinicalStatus?: CodeableConcept;
  verificationStatus?: CodeableConcept;
  criticality?: "low" | "high" | "unable-to-assess";
  category?: Array<"food" | "medication" | "environment" | "biologic">;
  code?: CodeableConcept;
  reaction?: Array<{ manifestation?: CodeableConcept[]; severity?: "mild" | "moderate" | "severe" }>;
  note?: Annotation[];
  recordedDate?: string;
}

export interface Condition extends ResourceBase {
  resourceType: "Condition";
  subject: Reference;
  clinicalStatus?: CodeableConcept;
  verificationStatus?: CodeableConcept;
  code?: CodeableConcept;
  onsetDateTime?: string;
  recordedDate?: string;
  note?: Annotation[];
}

export interface Encounter extends ResourceBase {
  resourceType: "Encounter";
  subject: Reference;
  status: string;
  class?: Coding;
  type?: CodeableConcept[];
  period?: Period;
  reasonCode?: CodeableConcept[];
  serviceProvider?: Reference;
}

export interface ReferenceRange {
  low?: Quantity;
  high?: Quantity;
  text?: string;
}

export interface ObservationComponent {
  code: CodeableConcept;
  valueQuantity?: Quantity;
}

export interface Observation extends ResourceBase {
  resourceType: "Observation";
  subject: Reference;
  status: string;
  category?: CodeableConcept[];
  code: CodeableConcept;
  effectiveDateTime?: string;
  valueQuantity?: Quantity;
  valueString?: string;
  component?: ObservationComponent[];
  interpretation?: CodeableConcept[];
  referenceRange?: ReferenceRange[];
}

export interface MedicationRequest extends ResourceBase {
  resourceType: "MedicationRequest";
  subject: Reference;
  status: string;
  intent: string;
  medicationCodeableConcept?: CodeableConcept;
  authoredOn?: string;
  dosageInstruction?: Array<{ text?: string }>;
}

export interface DocumentReference extends ResourceBase {
  resourceType: "DocumentReference";
  subject: Reference;
  status: string;
  type?: CodeableConcept;
  date?: string;
  description?: string;
  content: Array<{ attachment: { contentType?: string; url?: string; title?: string } }>;
}

export interface ConsentProvision {
  type?: "deny" | "permit";
  actor?: Array<{ role: CodeableConcept; reference: Reference }>;
  purpose?: Coding[];
}

export interface Consent extends ResourceBase {
  resourceType: "Consent";
  status: "draft" | "proposed" | "active" | "rejected" | "inactive" | "entered-in-error";
  scope: CodeableConcept;
  category: CodeableConcept[];
  patient: Reference;
  dateTime?: string;
  policyRule?: CodeableConcept;
  provision?: ConsentProvision;
}

export interface Organization extends ResourceBase {
  resourceType: "Organization";
  name?: string;
}

/** Every resource type the chart handles, discriminated by resourceType. */
export type ClinicalResource = AllergyIntolerance | Condition | Encounter | Observation | MedicationRequest | DocumentReference | Consent;

export type AnyResource = ClinicalResource | Patient | Organization;

export interface Bundle<T = AnyResource> {
  resourceType: "Bundle";
  type?: string;
  total?: number;
  link?: Array<{ relation: string; url: string }>;
  entry?: Array<{ resource?: T; search?: { mode?: string } }>;
}

/** The text of a CodeableConcept: its text, else the first display, else the first code. */
export function conceptText(concept: CodeableConcept | undefined): string | undefined {
  if (!concept) return undefined;
  return concept.text ?? concept.coding?.find((coding) => coding.display)?.display ?? concept.coding?.[0]?.code;
}

/** The first code of a CodeableConcept in a code system. */
export function codeIn(concept: CodeableConcept | undefined, system: string): string | undefined {
  return concept?.coding?.find((coding) => coding.system === system)?.code;
}

export const loincSystem = "http://loinc.org";
export const observationCategorySystem = "http://terminology.hl7.org/CodeSystem/observation-category";
export const interpretationSystem = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
export const allergyClinicalSystem = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
export const conditionClinicalSystem = "http://terminology.hl7.org/CodeSystem/condition-clinical";
export const allergyVerificationSystem = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
export const snomedSystem = "http://snomed.info/sct";
