import type { AuditEntry } from "../audit/index.js";

/** A synthetic JP Core-style Patient: invented names and numbers, never a real person's. */
export function buildPatient(overrides: { familyKanji?: string; givenKanji?: string; familyKana?: string; givenKana?: string; birthDate?: string; patientNumber?: string; email?: string } = {}) {
  const representation = (code: "IDE" | "SYL") => [{ url: "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation", valueCode: code }];
  return {
    resourceType: "Patient",
    identifier: [{ system: "urn:oid:1.2.392.100495.20.3.51.1", value: overrides.patientNumber ?? "00012345" }],
    name: [
      { use: "official", extension: representation("IDE"), family: overrides.familyKanji ?? "試験", given: [overrides.givenKanji ?? "花子"] },
      { use: "official", extension: representation("SYL"), family: overrides.familyKana ?? "シケン", given: [overrides.givenKana ?? "ハナコ"] },
    ],
    gender: "female",
    birthDate: overrides.birthDate ?? "1984-07-15",
    ...(overrides.email ? { telecom: [{ system: "email", value: overrides.email }] } : {}),
  };
}

/** A synthetic vital sign (LOINC code, UCUM unit) of a patient, optionally within an encounter. */
export function buildVitalSign(patientId: string, options: { code?: string; value?: number; effective?: string; encounterId?: string } = {}) {
  return {
    resourceType: "Observation",
    status: "final",
    category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "vital-signs" }] }],
    code: { coding: [{ system: "http://loinc.org", code: options.code ?? "8867-4" }] },
    subject: { reference: `Patient/${patientId}` },
    ...(options.encounterId ? { encounter: { reference: `Encounter/${options.encounterId}` } } : {}),
    effectiveDateTime: options.effective ?? "2026-11-20T09:30:00+09:00",
    valueQuantity: { value: options.value ?? 70, unit: "/min", system: "http://unitsofmeasure.org", code: "/min" },
  };
}

/** A synthetic audit entry: a doctor's read of patient `p-<n>`. */
export function buildAuditEntry(n: number): AuditEntry {
  return {
    action: "fhir.read",
    outcome: "success",
    actor: { accountId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`, roles: ["doctor"] },
    resource: { type: "Patient", id: `p-${n}` },
    patientId: `p-${n}`,
    network: { ip: "127.0.0.1", userAgent: "test" },
  };
}

/** The v3-ActReason purpose a clinician's treatment access carries (a deny of it closes the chart to treating staff). */
export const treatmentPurpose = { system: "http://terminology.hl7.org/CodeSystem/v3-ActReason", code: "TREAT" };

/** A synthetic active privacy Consent of a patient: permits by default and denies what `deny` names (actor, purpose). */
export function buildDenyingConsent(patientId: string, deny: Record<string, unknown>) {
  return {
    resourceType: "Consent",
    status: "active",
    scope: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/consentscope", code: "patient-privacy" }] },
    category: [{ coding: [{ system: "http://loinc.org", code: "59284-0" }] }],
    patient: { reference: `Patient/${patientId}` },
    policy: [{ uri: "https://mamori.example/policies/consent" }],
    provision: { type: "permit", provision: [{ type: "deny", ...deny }] },
  };
}
