import { buildDenyingConsent, buildPatient, buildVitalSign } from "../../src/testing/index.js";
import type { ClinicalType, Label } from "./world.js";

// Synthetic resources of the access property test, without id and meta (the label goes in meta.security).

const confidentialitySystem = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
const ambulatory = { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB" };

const clinical = (codeSystem: string) => ({ coding: [{ system: `http://terminology.hl7.org/CodeSystem/${codeSystem}`, code: "active" }] });

let serial = 0;
/** A number that makes each resource's content differ from every other's. */
const next = () => ++serial;

export type Content = Record<string, unknown> & { resourceType: string };

/** The resource with its id and label, as a client sends it. */
export function withLabel(content: Content, label: Label, id?: string): Content {
  return { ...content, ...(id ? { id } : {}), ...(label === "N" ? {} : { meta: { security: [{ system: confidentialitySystem, code: label }] } }) };
}

/** The label of a resource as returned: the highest v3-Confidentiality code of meta.security, N when none. */
export function labelOf(resource: { meta?: { security?: Array<{ system?: string; code?: string }> } }): Label {
  const codes = (resource.meta?.security ?? []).filter((coding) => coding.system === confidentialitySystem).map((coding) => coding.code);
  return codes.includes("V") ? "V" : codes.includes("R") ? "R" : "N";
}

export function patientContent(): Content {
  // An e-mail on record, so a permitted portal invitation is sent, not refused for want of an address.
  const number = String(next()).padStart(5, "0");
  return buildPatient({ patientNumber: `PROP-${number}`, email: `prop-${number}@example.test` });
}

export function clinicalContent(type: ClinicalType, patientReference: string): Content {
  const subject = { reference: patientReference };
  const n = next();
  switch (type) {
    case "Observation":
      return buildVitalSign(patientReference.replace(/^Patient\//, ""), { value: 50 + (n % 100) });
    case "Condition":
      return { resourceType: "Condition", subject, clinicalStatus: clinical("condition-clinical"), code: { coding: [{ system: "http://snomed.info/sct", code: "73211009" }], text: `condition ${n}` } };
    case "MedicationRequest":
      return { resourceType: "MedicationRequest", status: "active", intent: "order", subject, medicationCodeableConcept: { text: `medication ${n}` } };
    case "AllergyIntolerance":
      return { resourceType: "AllergyIntolerance", patient: subject, clinicalStatus: clinical("allergyintolerance-clinical"), code: { text: `allergen ${n}` } };
    case "DocumentReference":
      return { resourceType: "DocumentReference", status: "current", subject, description: `note ${n}`, content: [{ attachment: { contentType: "text/plain", title: `note ${n}` } }] };
    case "Encounter":
      return encounterContent(patientReference, { status: "finished", practitioners: [], departmentId: undefined });
  }
}

export function encounterContent(patientReference: string, encounter: { status: string; practitioners: string[]; departmentId: string | undefined }): Content {
  return {
    resourceType: "Encounter",
    status: encounter.status,
    class: ambulatory,
    subject: { reference: patientReference },
    ...(encounter.practitioners.length > 0 ? { participant: encounter.practitioners.map((id) => ({ individual: { reference: `Practitioner/${id}` } })) } : {}),
    ...(encounter.departmentId ? { serviceProvider: { reference: `Organization/${encounter.departmentId}` } } : {}),
    period: { start: `2026-11-${String(1 + (next() % 28)).padStart(2, "0")}T09:00:00+09:00` },
  };
}

export function careTeamContent(patientReference: string, status: string, practitioners: string[]): Content {
  return { resourceType: "CareTeam", status, subject: { reference: patientReference }, participant: practitioners.map((id) => ({ member: { reference: `Practitioner/${id}` } })), name: `team ${next()}` };
}

export function consentContent(patientId: string, consent: { status: string; organizationId: string | undefined; purpose: string | undefined }): Content {
  const deny = {
    ...(consent.organizationId ? { actor: [{ role: { text: "recipient" }, reference: { reference: `Organization/${consent.organizationId}` } }] } : {}),
    ...(consent.purpose ? { purpose: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ActReason", code: consent.purpose }] } : {}),
  };
  return { ...buildDenyingConsent(patientId, deny), status: consent.status };
}
