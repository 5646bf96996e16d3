import type { Consent, DocumentReference } from "../../api/fhir-clinical-types.js";

const actReasonSystem = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
const consentScopeSystem = "http://terminology.hl7.org/CodeSystem/consentscope";
const consentCategorySystem = "http://loinc.org";
/**
 * FHIR R4 Consent invariant ppc-1 requires a policy or policyRule. The portal records refusals against a default of
 * sharing for treatment, which v3-ActCode names OPTOUT.
 */
const optOutRule = { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "OPTOUT" }] };
/** Purposes a patient may refuse: research and marketing (v3-ActReason). Treatment is never refused here. */
export const deniablePurposes = ["HRESCH", "HMARKT"] as const;
export type Purpose = (typeof deniablePurposes)[number];

/** A "deny" privacy Consent for the patient: sharing with one organisation, or use for one purpose. */
export function buildDenyConsent(patientId: string, target: { organizationId: string } | { purpose: Purpose }, now: Date): Consent {
  return {
    resourceType: "Consent",
    status: "active",
    scope: { coding: [{ system: consentScopeSystem, code: "patient-privacy" }] },
    category: [{ coding: [{ system: consentCategorySystem, code: "59284-0" }] }],
    patient: { reference: `Patient/${patientId}` },
    dateTime: now.toISOString(),
    policyRule: optOutRule,
    provision:
      "organizationId" in target
        ? { type: "deny", actor: [{ role: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", code: "IRCP" }] }, reference: { reference: `Organization/${target.organizationId}` } }] }
        : { type: "deny", purpose: [{ system: actReasonSystem, code: target.purpose }] },
  };
}

/** The DocumentReference that points at an uploaded (sanitised) Binary. */
export function buildDocumentReference(patientId: string, binary: { id: string; contentType: string }, title: string, now: Date): DocumentReference {
  return {
    resourceType: "DocumentReference",
    status: "current",
    subject: { reference: `Patient/${patientId}` },
    date: now.toISOString(),
    description: title,
    content: [{ attachment: { contentType: binary.contentType, url: `Binary/${binary.id}`, title } }],
  };
}

