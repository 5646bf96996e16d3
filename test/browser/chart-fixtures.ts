import type { SignedInUser, TestClient } from "../../src/testing/index.js";

/** A 1×1 PNG: the smallest image the upload sanitiser accepts. */
export const onePixelPng = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

/**
 * Puts a staff account on a patient's care team as the directory records it: the administrator adds a Practitioner
 * and links the account to it, then the doctor writes a CareTeam naming that Practitioner.
 */
export async function joinCareTeam(admin: SignedInUser, doctor: SignedInUser, member: SignedInUser, patientId: string): Promise<void> {
  const practitioner = await admin.client.post("/fhir/R4/Practitioner", { resourceType: "Practitioner", name: [{ text: "看護 師子" }] }, { contentType: "application/fhir+json" });
  if (practitioner.status !== 201) throw new Error(`Practitioner failed: ${practitioner.status} ${practitioner.text}`);
  const linked = await admin.client.request("PUT", `/api/admin/accounts/${member.accountId}/practitioner`, { body: { practitionerId: practitioner.json.id } });
  if (linked.status !== 204) throw new Error(`link failed: ${linked.status} ${linked.text}`);
  const careTeam = { resourceType: "CareTeam", status: "active", subject: { reference: `Patient/${patientId}` }, participant: [{ member: { reference: `Practitioner/${practitioner.json.id}` } }] };
  const created = await doctor.client.post("/fhir/R4/CareTeam", careTeam, { contentType: "application/fhir+json" });
  if (created.status !== 201) throw new Error(`CareTeam failed: ${created.status} ${created.text}`);
}

/** Synthetic chart data over the FHIR API, as the doctor. */
export async function seedChart(client: TestClient, patientId: string): Promise<void> {
  const subject = { reference: `Patient/${patientId}` };
  const loinc = (code: string) => ({ coding: [{ system: "http://loinc.org", code }] });
  const category = (code: string) => [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code }] }];
  const resources: Array<Record<string, unknown>> = [
    { resourceType: "AllergyIntolerance", patient: subject, code: { text: "ペニシリン" }, criticality: "high", clinicalStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", code: "active" }] } },
    { resourceType: "Encounter", subject, status: "finished", class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB", display: "外来" }, period: { start: "2026-04-01T09:00:00+09:00" } },
    { resourceType: "Condition", subject, code: { text: "高血圧症" }, clinicalStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-clinical", code: "active" }] }, onsetDateTime: "2020-01-01" },
    { resourceType: "MedicationRequest", subject, status: "active", intent: "order", medicationCodeableConcept: { text: "アムロジピン錠5mg" }, dosageInstruction: [{ text: "1日1回朝食後" }], authoredOn: "2026-04-01" },
    { resourceType: "Observation", subject, status: "final", category: category("laboratory"), code: { ...loinc("2345-7"), text: "血糖" }, effectiveDateTime: "2026-04-01T09:10:00+09:00", valueQuantity: { value: 130, unit: "mg/dL" }, referenceRange: [{ low: { value: 70 }, high: { value: 109 } }] },
    { resourceType: "Observation", subject, status: "final", category: category("laboratory"), code: { ...loinc("2823-3"), text: "カリウム" }, effectiveDateTime: "2026-04-01T09:10:00+09:00", valueQuantity: { value: 2.4, unit: "mmol/L" }, interpretation: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", code: "LL" }] }] },
  ];
  for (const [day, pulse, systolic, diastolic] of [[1, 72, 128, 82], [2, 80, 135, 88], [3, 76, 124, 80]] as const) {
    const effectiveDateTime = `2026-04-0${day}T08:00:00+09:00`;
    resources.push({ resourceType: "Observation", subject, status: "final", category: category("vital-signs"), code: loinc("8867-4"), effectiveDateTime, valueQuantity: { value: pulse, unit: "/min" } });
    resources.push({
      resourceType: "Observation",
      subject,
      status: "final",
      category: category("vital-signs"),
      code: loinc("85354-9"),
      effectiveDateTime,
      component: [
        { code: loinc("8480-6"), valueQuantity: { value: systolic, unit: "mmHg" } },
        { code: loinc("8462-4"), valueQuantity: { value: diastolic, unit: "mmHg" } },
      ],
    });
  }
  for (const resource of resources) {
    const created = await client.post(`/fhir/R4/${resource["resourceType"] as string}`, resource, { contentType: "application/fhir+json" });
    if (created.status !== 201) throw new Error(`seeding ${resource["resourceType"] as string} failed: ${created.status}`);
  }
}
