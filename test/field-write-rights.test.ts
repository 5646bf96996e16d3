import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AccessGrant } from "../src/audit/index.js";
import { buildDenyingConsent, buildVitalSign, createPatient, startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";

const fhir = { contentType: "application/fhir+json" };
const confidentiality = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
const labelled = (code: "R" | "V") => ({ security: [{ system: confidentiality, code }] });

type StoredEntry = { action: string; outcome: string; reasonCode?: string; patientId?: string; actor: { accountId?: string }; resource?: { type: string; id?: string }; grant?: AccessGrant };

function prescription(patientId: string) {
  return {
    resourceType: "MedicationRequest",
    status: "active",
    intent: "order",
    medicationCodeableConcept: { coding: [{ system: "urn:oid:1.2.392.200119.4.403.1", code: "105271807", display: "合成薬 5mg 錠" }] },
    subject: { reference: `Patient/${patientId}` },
    dosageInstruction: [{ text: "1日1回 朝食後", doseAndRate: [{ doseQuantity: { value: 1, unit: "錠" } }] }],
  };
}

// ACC-1 (MHLW 運用編 アクセス制御): write rights are decided on what a write changes. Pharmacists record dispensing
// but never rewrite a prescription; a label is moved only by a doctor in care (or raised by the record's author);
// a clerk's reception opens N and R records to the attending doctor but not V; demographics change only with care.
// Every care relationship and consent change is audited as an access.grant naming the grantee.
describe("field-level write rights over the FHIR API", () => {
  let app: TestApp;
  let doctor: SignedInUser;
  let stranger: SignedInUser;
  let attending: SignedInUser;
  let nurse: SignedInUser;
  let pharmacist: SignedInUser;
  let clerk: SignedInUser;
  let patientId: string;

  const put = (user: SignedInUser, resource: { resourceType: string; id: string; [element: string]: unknown }) =>
    user.client.request("PUT", `/fhir/R4/${resource.resourceType}/${resource.id}`, { body: resource, contentType: fhir.contentType });
  const refusal = (response: { status: number; json: { resourceType: string; issue: Array<{ details: { coding: Array<{ code: string }> } }> } }) => [
    response.status,
    response.json.resourceType,
    response.json.issue[0]!.details.coding[0]!.code,
  ];

  async function entries(): Promise<StoredEntry[]> {
    const rows = await app.mamori.db.kysely
      .withTables<{ audit_entry: { seq: number; entry: StoredEntry } }>()
      .selectFrom("audit_entry")
      .select(["seq", "entry"])
      .orderBy("seq")
      .execute();
    return rows.map((row) => row.entry);
  }
  /** The deciding reason of the latest refusal, as the audit trail records it (the answer says only access.denied). */
  const lastRefusalReason = async () => (await entries()).filter((entry) => entry.outcome === "denied").at(-1)?.reasonCode;
  const grantsOf = async (resourceId: string) =>
    (await entries()).filter((entry) => entry.action === "access.grant" && entry.resource?.id === resourceId).map((entry) => ({ patientId: entry.patientId, by: entry.actor.accountId, ...entry.grant }));

  before(async () => {
    app = await startTestApp();
    const admin = await app.signedInUser("admin");
    doctor = await app.signedInUser("doctor");
    stranger = await app.signedInUser("doctor");
    attending = await app.signedInUser("doctor");
    nurse = await app.signedInUser("nurse");
    pharmacist = await app.signedInUser("pharmacist");
    clerk = await app.signedInUser("clerk");
    for (const [user, practitionerId] of [[nurse, "pr-nurse"], [pharmacist, "pr-pharmacist"], [attending, "pr-attending"], [stranger, "pr-stranger"]] as const) {
      const linked = await admin.client.request("PUT", `/api/admin/accounts/${user.accountId}/practitioner`, { body: { practitionerId } });
      assert.equal(linked.status, 204, linked.text);
    }
    // The doctor registers the patient (and so cares for them) and puts the nurse and pharmacist on the care team.
    patientId = await createPatient(doctor);
    const careTeam = { resourceType: "CareTeam", status: "active", subject: { reference: `Patient/${patientId}` }, participant: ["pr-nurse", "pr-pharmacist"].map((member) => ({ member: { reference: `Practitioner/${member}` } })) };
    assert.equal((await doctor.client.post("/fhir/R4/CareTeam", careTeam, fhir)).status, 201);
  });
  after(() => app.close());

  it("refuses a pharmacist's change of the dose, and lets the pharmacist record the dispensing (status completed)", async () => {
    const created = await doctor.client.post("/fhir/R4/MedicationRequest", prescription(patientId), fhir);
    assert.equal(created.status, 201, created.text);
    const rewritten = await put(pharmacist, { ...created.json, dosageInstruction: [{ text: "1日3回 毎食後", doseAndRate: [{ doseQuantity: { value: 3, unit: "錠" } }] }] });
    assert.deepEqual(refusal(rewritten), [403, "OperationOutcome", "access.denied"]);
    assert.equal(await lastRefusalReason(), "access.no_permission");
    const otherDrug = await put(pharmacist, { ...created.json, medicationCodeableConcept: { text: "別の薬" }, status: "completed" });
    assert.equal(otherDrug.status, 403);
    const dispensed = await put(pharmacist, { ...created.json, status: "completed", note: [{ text: "調剤済み" }] });
    assert.equal(dispensed.status, 200, dispensed.text);
    const current = await doctor.client.get(`/fhir/R4/MedicationRequest/${created.json.id}`);
    assert.deepEqual([current.json.status, current.json.dosageInstruction[0].text], ["completed", "1日1回 朝食後"]);
  });

  it("refuses a pharmacist who writes a deleted prescription back with another dose", async () => {
    const created = await doctor.client.post("/fhir/R4/MedicationRequest", prescription(patientId), fhir);
    assert.equal((await doctor.client.request("DELETE", `/fhir/R4/MedicationRequest/${created.json.id}`)).status, 204);
    const revived = await put(pharmacist, { ...created.json, dosageInstruction: [{ text: "1日3回 毎食後" }] });
    assert.deepEqual(refusal(revived), [403, "OperationOutcome", "access.denied"]);
  });

  it("refuses a nurse who drops an R label: the record keeps it and the pharmacist stays refused", async () => {
    const created = await doctor.client.post("/fhir/R4/Observation", { ...buildVitalSign(patientId, { value: 88 }), meta: labelled("R") }, fhir);
    assert.equal(created.status, 201, created.text);
    assert.equal((await pharmacist.client.get(`/fhir/R4/Observation/${created.json.id}`)).status, 404, "refused as not found");
    const { meta: _label, ...unlabelled } = created.json as { meta: unknown; id: string; resourceType: string };
    const dropped = await put(nurse, unlabelled);
    assert.deepEqual(refusal(dropped), [403, "OperationOutcome", "access.denied"]);
    const stored = await doctor.client.get(`/fhir/R4/Observation/${created.json.id}`);
    assert.deepEqual([stored.json.meta.versionId, stored.json.meta.security], ["1", labelled("R").security]);
    assert.equal((await pharmacist.client.get(`/fhir/R4/Observation/${created.json.id}`)).status, 404, "refused as not found");
    // Keeping the label, the nurse still records nursing observations on it.
    assert.equal((await put(nurse, { ...created.json, valueQuantity: { ...created.json.valueQuantity, value: 90 } })).status, 200);
  });

  it("lets a doctor in care lower a label, audited as a label grant that intrusion detection reports", async () => {
    const created = await doctor.client.post("/fhir/R4/Observation", { ...buildVitalSign(patientId, { value: 70 }), meta: labelled("V") }, fhir);
    const { meta: _label, ...unlabelled } = created.json as { meta: unknown; id: string; resourceType: string };
    const lowered = await put(doctor, unlabelled);
    assert.equal(lowered.status, 200, lowered.text);
    assert.deepEqual(await grantsOf(created.json.id as string), [{ patientId, by: doctor.accountId, kind: "label", change: "lowered", grantee: {}, label: { from: "V", to: "N" } }]);
    // The engine follows the trail on its own as well: read the alerts until they include this one (bounded).
    const officer = { accountId: "officer", roles: ["security_officer" as const], sessionId: "test", network: { ip: "127.0.0.1", userAgent: "test" } };
    const alertOf = async () => {
      await app.mamori.audit.flush();
      await app.mamori.ids.engine.catchUp();
      return (await app.mamori.ids.officer.listAlerts(officer, { state: "open" })).find((candidate) => candidate.ruleId === "label_lowered" && candidate.accountId === doctor.accountId);
    };
    let alert = await alertOf();
    for (const deadline = Date.now() + 10_000; !alert && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      alert = await alertOf();
    }
    assert.ok(alert, "label_lowered alert for the doctor");
    const evidence = (await entries()).filter((entry) => entry.action === "access.grant" && entry.grant?.kind === "label");
    assert.equal(evidence.at(-1)?.patientId, patientId);
  });

  it("refuses a nurse who is the author when she lowers her own label, and lets her raise it", async () => {
    const created = await nurse.client.post("/fhir/R4/Observation", buildVitalSign(patientId, { value: 64 }), fhir);
    assert.equal(created.status, 201, created.text);
    const raised = await put(nurse, { ...created.json, meta: labelled("R") });
    assert.equal(raised.status, 200, raised.text);
    const { meta: _label, ...unlabelled } = raised.json as { meta: unknown; id: string; resourceType: string };
    const lowered = await put(nurse, unlabelled);
    assert.deepEqual(refusal(lowered), [403, "OperationOutcome", "access.denied"]);
    assert.equal(await lastRefusalReason(), "access.label_lowering");
  });

  it("opens N but not V records to a doctor a clerk names on an Encounter", async () => {
    const normal = await doctor.client.post("/fhir/R4/Observation", buildVitalSign(patientId, { value: 61 }), fhir);
    const secret = await doctor.client.post("/fhir/R4/Observation", { ...buildVitalSign(patientId, { value: 62 }), meta: labelled("V") }, fhir);
    assert.equal((await attending.client.get(`/fhir/R4/Observation/${normal.json.id}`)).status, 404, "refused as not found");
    const encounter = outpatientVisit(patientId, "org-internal-medicine");
    const opened = await clerk.client.post("/fhir/R4/Encounter", encounter, fhir);
    assert.equal(opened.status, 201, opened.text);
    assert.equal((await attending.client.get(`/fhir/R4/Observation/${normal.json.id}`)).status, 200);
    const refused = await attending.client.get(`/fhir/R4/Observation/${secret.json.id}`);
    assert.equal(refused.status, 404, "the V record is refused as not found");
    // A doctor's care team naming the attending doctor confirms their part: the V record opens.
    const careTeam = { resourceType: "CareTeam", status: "active", subject: { reference: `Patient/${patientId}` }, participant: [{ member: { reference: "Practitioner/pr-attending" } }] };
    assert.equal((await doctor.client.post("/fhir/R4/CareTeam", careTeam, fhir)).status, 201);
    assert.equal((await attending.client.get(`/fhir/R4/Observation/${secret.json.id}`)).status, 200);
  });

  it("lets registration and clinicians in care change a birth date, and refuses a doctor without a relationship", async () => {
    const patient = (await doctor.client.get(`/fhir/R4/Patient/${patientId}`)).json as { resourceType: string; id: string; birthDate: string };
    assert.equal((await stranger.client.get(`/fhir/R4/Patient/${patientId}`)).status, 200, "demographics stay readable without a relationship");
    const byStranger = await put(stranger, { ...patient, birthDate: "1950-01-01" });
    assert.deepEqual(refusal(byStranger), [403, "OperationOutcome", "access.denied"]);
    assert.equal((await put(clerk, { ...patient, birthDate: "1960-02-02" })).status, 200);
    const latest = (await doctor.client.get(`/fhir/R4/Patient/${patientId}`)).json as typeof patient;
    assert.equal((await put(doctor, { ...latest, birthDate: "1960-03-03" })).status, 200);
    assert.equal((await doctor.client.get(`/fhir/R4/Patient/${patientId}`)).json.birthDate, "1960-03-03");
    assert.equal(await createPatient(stranger).then(() => "created"), "created", "doctors still register new patients");
  });

  it("audits Encounter, CareTeam and Consent writes as grants to the added and removed grantees", async () => {
    const encounter = outpatientVisit(patientId, "org-surgery");
    const opened = await doctor.client.post("/fhir/R4/Encounter", encounter, fhir);
    assert.equal(opened.status, 201, opened.text);
    const moved = await put(doctor, { ...opened.json, participant: [{ individual: { reference: "Practitioner/pr-stranger" } }], status: "finished" });
    assert.equal(moved.status, 200, moved.text);
    assert.deepEqual(
      (await grantsOf(opened.json.id as string)).map(({ kind, change, grantee, patientId: patient }) => [patient, kind, change, grantee]),
      [
        [patientId, "encounter", "granted", { practitionerId: "pr-attending", accountId: attending.accountId }],
        [patientId, "department", "granted", { organizationId: "org-surgery" }],
        [patientId, "encounter", "granted", { practitionerId: "pr-stranger", accountId: stranger.accountId }],
        [patientId, "encounter", "revoked", { practitionerId: "pr-attending", accountId: attending.accountId }],
        [patientId, "department", "revoked", { organizationId: "org-surgery" }],
      ],
    );

    const careTeam = { resourceType: "CareTeam", status: "active", subject: { reference: `Patient/${patientId}` }, participant: [{ member: { reference: "Practitioner/pr-nurse" } }] };
    const team = await doctor.client.post("/fhir/R4/CareTeam", careTeam, fhir);
    assert.equal((await doctor.client.request("DELETE", `/fhir/R4/CareTeam/${team.json.id}`)).status, 204);
    assert.deepEqual(
      (await grantsOf(team.json.id as string)).map(({ kind, change, grantee }) => [kind, change, grantee]),
      [
        ["care_team", "granted", { practitionerId: "pr-nurse", accountId: nurse.accountId }],
        ["care_team", "revoked", { practitionerId: "pr-nurse", accountId: nurse.accountId }],
      ],
    );

    const consent = buildDenyingConsent(patientId, { actor: [{ role: { text: "recipient" }, reference: { reference: "Organization/org-psychiatry" } }] });
    const given = await doctor.client.post("/fhir/R4/Consent", consent, fhir);
    assert.equal(given.status, 201, given.text);
    // Withdrawing it is the patient's own act: the doctor who recorded it may not.
    assert.equal((await put(doctor, { ...given.json, status: "inactive" })).status, 403);
    const patient = await app.signedInPatient(doctor, patientId);
    const withdrawn = await patient.client.request("PUT", `/fhir/R4/Consent/${given.json.id}`, { body: { ...given.json, status: "inactive" }, contentType: "application/fhir+json" });
    assert.equal(withdrawn.status, 200, withdrawn.text);
    assert.deepEqual(
      (await grantsOf(given.json.id as string)).map(({ kind, change, grantee, by }) => [kind, change, grantee, by]),
      [
        ["consent", "revoked", { organizationId: "org-psychiatry" }, doctor.accountId],
        ["consent", "granted", { organizationId: "org-psychiatry" }, patient.accountId],
      ],
    );
  });

  it("rolls a transaction back whole when one entry rewrites a prescription", async () => {
    const first = await doctor.client.post("/fhir/R4/MedicationRequest", prescription(patientId), fhir);
    const second = await doctor.client.post("/fhir/R4/MedicationRequest", prescription(patientId), fhir);
    const bundle = {
      resourceType: "Bundle",
      type: "transaction",
      entry: [
        { resource: { ...first.json, status: "completed" }, request: { method: "PUT", url: `MedicationRequest/${first.json.id}` } },
        { resource: { ...second.json, dosageInstruction: [{ text: "倍量" }] }, request: { method: "PUT", url: `MedicationRequest/${second.json.id}` } },
      ],
    };
    const answered = await pharmacist.client.post("/fhir/R4", bundle, fhir);
    assert.deepEqual(refusal(answered), [403, "OperationOutcome", "access.denied"]);
    for (const created of [first, second]) assert.equal((await doctor.client.get(`/fhir/R4/MedicationRequest/${created.json.id}`)).json.meta.versionId, "1");
  });
});

/** An outpatient visit of the patient at a department, with the attending doctor (pr-attending) as participant. */
function outpatientVisit(patientId: string, department: string) {
  return {
    resourceType: "Encounter",
    status: "in-progress",
    class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB" },
    subject: { reference: `Patient/${patientId}` },
    participant: [{ individual: { reference: "Practitioner/pr-attending" } }],
    serviceProvider: { reference: `Organization/${department}` },
  };
}
