import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { fhirVersioning } from "../src/compliance/checks/fhir-versioning.js";
import { buildDenyingConsent, buildPatient, buildVitalSign, startTestApp, treatmentPurpose, type SignedInUser, type TestApp } from "../src/testing/index.js";

const fhir = { contentType: "application/fhir+json" };

function heartRate(patientId: string, value: number) {
  return buildVitalSign(patientId, { value });
}

async function auditActions(app: TestApp, patientId: string): Promise<string[]> {
  const rows = await app.mamori.db.kysely
    .withTables<{ audit_entry: { seq: number; entry: { action: string; outcome: string; patientId?: string } } }>()
    .selectFrom("audit_entry")
    .select(["seq", "entry"])
    .orderBy("seq")
    .execute();
  return rows.filter((row) => row.entry.patientId === patientId).map((row) => `${row.entry.action}:${row.entry.outcome}`);
}

// FHIR R4 http.html: read, vread, update with If-Match, logical delete, history, transactions; versions are never lost.
describe("FHIR interactions on versioned, encrypted storage", () => {
  let app: TestApp;
  let doctor: SignedInUser;
  let patientId: string;
  before(async () => {
    app = await startTestApp();
    doctor = await app.signedInUser("doctor");
    patientId = (await doctor.client.post("/fhir/R4/Patient", buildPatient(), fhir)).json.id as string;
  });
  after(() => app.close());

  it("updates only against the version the client saw: If-Match conflicts answer 412 and keep the newer version", async () => {
    const created = await doctor.client.post("/fhir/R4/Observation", heartRate(patientId, 72), fhir);
    assert.equal(created.status, 201);
    const id = created.json.id as string;
    const v2 = await doctor.client.request("PUT", `/fhir/R4/Observation/${id}`, { body: { ...created.json, valueQuantity: { ...created.json.valueQuantity, value: 74 } }, contentType: fhir.contentType, headers: { "if-match": 'W/"1"' } });
    assert.equal(v2.status, 200);
    assert.equal(v2.headers["etag"], 'W/"2"');
    assert.equal(v2.json.meta.versionId, "2");
    const stale = await doctor.client.request("PUT", `/fhir/R4/Observation/${id}`, { body: { ...created.json, valueQuantity: { ...created.json.valueQuantity, value: 99 } }, contentType: fhir.contentType, headers: { "if-match": 'W/"1"' } });
    assert.equal(stale.status, 412);
    assert.equal(stale.json.resourceType, "OperationOutcome");
    assert.equal((await doctor.client.get(`/fhir/R4/Observation/${id}`)).json.valueQuantity.value, 74);
    // Every version stays readable, and each names who wrote it.
    const v1 = await doctor.client.get(`/fhir/R4/Observation/${id}/_history/1`);
    assert.equal(v1.status, 200);
    assert.equal(v1.json.valueQuantity.value, 72);
    const recordedBy = (v1.json.meta.extension as Array<{ url: string; valueIdentifier: { value: string } }>).find((extension) => extension.url.endsWith("recorded-by"));
    assert.equal(recordedBy?.valueIdentifier.value, doctor.accountId);
  });

  it("refuses an update whose body id differs from the URL, and an update that would create", async () => {
    const created = await doctor.client.post("/fhir/R4/Observation", heartRate(patientId, 60), fhir);
    const mismatch = await doctor.client.request("PUT", `/fhir/R4/Observation/${created.json.id}`, { body: { ...created.json, id: "other" }, contentType: fhir.contentType });
    assert.equal(mismatch.status, 400);
    const unknown = await doctor.client.request("PUT", "/fhir/R4/Observation/does-not-exist", { body: { ...heartRate(patientId, 1), id: "does-not-exist" }, contentType: fhir.contentType });
    assert.equal(unknown.status, 405);
  });

  it("deletes logically: 410 afterwards, history keeps every version and the deletion", async () => {
    const created = await doctor.client.post("/fhir/R4/Observation", heartRate(patientId, 80), fhir);
    const id = created.json.id as string;
    const deleted = await doctor.client.request("DELETE", `/fhir/R4/Observation/${id}`);
    assert.equal(deleted.status, 204);
    assert.equal((await doctor.client.get(`/fhir/R4/Observation/${id}`)).status, 410);
    assert.equal((await doctor.client.request("DELETE", `/fhir/R4/Observation/${id}`)).status, 204, "deleting again changes nothing");
    const history = await doctor.client.get(`/fhir/R4/Observation/${id}/_history`);
    assert.equal(history.status, 200);
    assert.equal(history.json.type, "history");
    assert.deepEqual(
      history.json.entry.map((entry: { request: { method: string }; response: { etag: string } }) => [entry.request.method, entry.response.etag]),
      [
        ["DELETE", 'W/"2"'],
        ["POST", 'W/"1"'],
      ],
    );
    assert.equal((await doctor.client.get(`/fhir/R4/Observation/${id}/_history/1`)).json.valueQuantity.value, 80);
    assert.equal((await doctor.client.get(`/fhir/R4/Observation/${id}/_history/2`)).status, 410);
  });

  it("refuses a clinical resource without an existing patient (422), and a move to another patient", async () => {
    const orphan = await doctor.client.post("/fhir/R4/Observation", { ...heartRate(patientId, 1), subject: undefined }, fhir);
    assert.equal(orphan.status, 422);
    assert.deepEqual(orphan.json.issue[0].expression, ["Observation.subject"]);
    const unknown = await doctor.client.post("/fhir/R4/Observation", heartRate("no-such-patient", 1), fhir);
    assert.equal(unknown.status, 422);
    const other = (await doctor.client.post("/fhir/R4/Patient", buildPatient(), fhir)).json.id as string;
    const created = await doctor.client.post("/fhir/R4/Observation", heartRate(patientId, 65), fhir);
    const moved = await doctor.client.request("PUT", `/fhir/R4/Observation/${created.json.id}`, { body: { ...created.json, subject: { reference: `Patient/${other}` } }, contentType: fhir.contentType });
    assert.equal(moved.status, 422);
  });

  it("refuses a birth date after today on create, update and in a transaction (422 naming Patient.birthDate), and keeps today's", async () => {
    const now = new Date();
    const tomorrow = new Date(now.getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
    const nextYear = String(now.getUTCFullYear() + 1);
    for (const birthDate of [tomorrow, nextYear, `${nextYear}-01`]) {
      const created = await doctor.client.post("/fhir/R4/Patient", buildPatient({ birthDate }), fhir);
      assert.equal(created.status, 422, birthDate);
      assert.equal(created.json.resourceType, "OperationOutcome");
      assert.deepEqual(created.json.issue[0].expression, ["Patient.birthDate"]);
    }
    const current = await doctor.client.get(`/fhir/R4/Patient/${patientId}`);
    const updated = await doctor.client.request("PUT", `/fhir/R4/Patient/${patientId}`, { body: { ...current.json, birthDate: tomorrow }, contentType: fhir.contentType });
    assert.equal(updated.status, 422);
    assert.equal((await doctor.client.get(`/fhir/R4/Patient/${patientId}`)).json.birthDate, current.json.birthDate, "the stored birth date is unchanged");
    const bundle = { resourceType: "Bundle", type: "transaction", entry: [{ fullUrl: "urn:uuid:6f1c1d1e-0000-4000-8000-000000000001", resource: buildPatient({ birthDate: tomorrow }), request: { method: "POST", url: "Patient" } }] };
    assert.equal((await doctor.client.post("/fhir/R4", bundle, fhir)).status, 422);
    const bornToday = await doctor.client.post("/fhir/R4/Patient", buildPatient({ birthDate: now.toISOString().slice(0, 10) }), fhir);
    assert.equal(bornToday.status, 201, bornToday.text);
  });

  it("applies a transaction atomically, resolving urn:uuid references; one bad entry leaves nothing behind", async () => {
    const bundle = {
      resourceType: "Bundle",
      type: "transaction",
      entry: [
        { fullUrl: "urn:uuid:2b8c1c4e-0000-4000-8000-000000000001", resource: buildPatient({ familyKanji: "取引" }), request: { method: "POST", url: "Patient" } },
        { resource: heartRate("x", 70), request: { method: "POST", url: "Observation" } },
      ],
    };
    bundle.entry[1]!.resource = { ...heartRate("x", 70), subject: { reference: "urn:uuid:2b8c1c4e-0000-4000-8000-000000000001" } };
    const ok = await doctor.client.post("/fhir/R4", bundle, fhir);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.type, "transaction-response");
    assert.match(ok.json.entry[0].response.status, /^201/);
    const newPatient = String(ok.json.entry[0].response.location).split("/")[1]!;
    const observation = await doctor.client.get(`/fhir/R4/${String(ok.json.entry[1].response.location).split("/_history")[0]}`);
    assert.equal(observation.json.subject.reference, `Patient/${newPatient}`);

    const before = await app.mamori.db.kysely.withTables<{ fhir_resource_version: { id: string } }>().selectFrom("fhir_resource_version").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    const broken = {
      resourceType: "Bundle",
      type: "transaction",
      entry: [
        { resource: buildPatient(), request: { method: "POST", url: "Patient" } },
        { resource: heartRate("no-such-patient", 70), request: { method: "POST", url: "Observation" } },
      ],
    };
    const refused = await doctor.client.post("/fhir/R4", broken, fhir);
    assert.equal(refused.status, 422);
    assert.deepEqual(refused.json.issue[0].expression, ["Bundle.entry[1].resource.subject"]);
    const afterRefusal = await app.mamori.db.kysely.withTables<{ fhir_resource_version: { id: string } }>().selectFrom("fhir_resource_version").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    assert.equal(Number(afterRefusal.n), Number(before.n));
  });

  // ACC-4: an entry that changes who may see the record governs the entries after it in the same Bundle; each
  // written entry has its own audit entry, and a refused Bundle leaves none.
  it("applies a Consent written earlier in a transaction to the entries after it, and audits each entry written", async () => {
    const patient = (await doctor.client.post("/fhir/R4/Patient", buildPatient(), fhir)).json.id as string;
    const two = { resourceType: "Bundle", type: "transaction", entry: [heartRate(patient, 61), heartRate(patient, 62)].map((resource) => ({ resource, request: { method: "POST", url: "Observation" } })) };
    const written = await doctor.client.post("/fhir/R4", two, fhir);
    assert.equal(written.status, 200, written.text);
    const creates = (await auditActions(app, patient)).filter((action) => action === "fhir.create:success");
    assert.equal(creates.length, 3, "the Patient and both Observations");

    const closing = {
      resourceType: "Bundle",
      type: "transaction",
      entry: [
        { resource: buildDenyingConsent(patient, { purpose: [treatmentPurpose] }), request: { method: "POST", url: "Consent" } },
        { resource: heartRate(patient, 63), request: { method: "POST", url: "Observation" } },
      ],
    };
    const refused = await doctor.client.post("/fhir/R4", closing, fhir);
    assert.equal(refused.status, 403, refused.text);
    assert.deepEqual(refused.json.issue[0].expression, ["Bundle.entry[1]"]);
    const after = await auditActions(app, patient);
    assert.equal(after.filter((action) => action === "fhir.create:success").length, 3, "nothing of the refused Bundle is audited as written");
    assert.equal((await doctor.client.get(`/fhir/R4/Consent?patient=${patient}`)).json.total ?? 0, 0, "the Consent rolled back with the refused entry");
  });

  // ACC-1: a stored version's sensitivity label decides, not only the label of a body being written.
  it("keeps a restricted (R) record from a doctor without a care relationship on read, vread, history and $everything", async () => {
    const patient = (await doctor.client.post("/fhir/R4/Patient", buildPatient(), fhir)).json.id as string;
    const restricted = { ...heartRate(patient, 70), meta: { security: [{ system: "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", code: "R" }] } };
    const created = await doctor.client.post("/fhir/R4/Observation", restricted, fhir);
    assert.equal(created.status, 201, created.text);
    const id = created.json.id as string;
    assert.equal((await doctor.client.get(`/fhir/R4/Observation/${id}`)).status, 200, "the registering doctor cares for the patient");

    const stranger = await app.signedInUser("doctor");
    for (const url of [`/fhir/R4/Observation/${id}`, `/fhir/R4/Observation/${id}/_history/1`, `/fhir/R4/Observation/${id}/_history`]) {
      const refused = await stranger.client.get(url);
      assert.equal(refused.status, 404, url);
      assert.equal(refused.json.issue[0].details.coding[0].code, "fhir.not_found", url);
    }
    const typeHistory = await stranger.client.get("/fhir/R4/Observation/_history?_count=100");
    assert.ok(!typeHistory.text.includes(id), "type history leaves the restricted record out");
    // The registration data itself is not labelled, so the stranger may identify the patient, but not see the record.
    const everything = await stranger.client.get(`/fhir/R4/Patient/${patient}/$everything`);
    assert.equal(everything.status, 200, everything.text);
    assert.ok(!everything.text.includes(id));
  });

  // ACC-1: a conditional create inside a transaction must not show where a record the caller may not see lives.
  it("counts only matches the caller may see for ifNoneExist in a transaction, as a plain conditional create does", async () => {
    // Registered first (which relates the doctor to the patient), then labelled restricted (R).
    const hiddenPatient = (await doctor.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: "P-HIDDEN-1" }), fhir)).json.id as string;
    const restricted = { ...buildPatient({ patientNumber: "P-HIDDEN-1" }), id: hiddenPatient, meta: { security: [{ system: "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", code: "R" }] } };
    assert.equal((await doctor.client.request("PUT", `/fhir/R4/Patient/${hiddenPatient}`, { body: restricted, contentType: fhir.contentType })).status, 200);
    const hiddenObservation = (await doctor.client.post("/fhir/R4/Observation", buildVitalSign(hiddenPatient, { code: "8302-2" }), fhir)).json.id as string;
    const conditional = (url: string, resource: unknown, ifNoneExist: string) => ({ resourceType: "Bundle", type: "transaction", entry: [{ resource, request: { method: "POST", url, ifNoneExist } }] });

    // The registering doctor cares for the patient and sees the match.
    const related = await doctor.client.post("/fhir/R4", conditional("Patient", buildPatient({ patientNumber: "P-HIDDEN-1" }), "identifier=P-HIDDEN-1"), fhir);
    assert.equal(related.status, 200, related.text);
    assert.equal(related.json.entry[0].response.status, "200 OK");
    assert.equal(related.json.entry[0].response.location, `Patient/${hiddenPatient}/_history/2`);

    // A doctor without a relationship gets what a query matching nothing gives: a new Patient, never the hidden one.
    const stranger = await app.signedInUser("doctor");
    const unrelated = await stranger.client.post("/fhir/R4", conditional("Patient", buildPatient({ patientNumber: "P-HIDDEN-1" }), "identifier=P-HIDDEN-1"), fhir);
    assert.equal(unrelated.status, 200, unrelated.text);
    assert.equal(unrelated.json.entry[0].response.status, "201 Created", unrelated.text);
    assert.ok(!unrelated.text.includes(hiddenPatient), unrelated.text);
    // The plain conditional create agrees: the one match the stranger can see is the Patient just created (the
    // hidden one would have made two, 412).
    const plain = await stranger.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: "P-HIDDEN-1" }), { ...fhir, headers: { "if-none-exist": "identifier=P-HIDDEN-1" } });
    assert.equal(plain.status, 200, plain.text);
    assert.equal(`Patient/${plain.json.id}/_history/1`, unrelated.json.entry[0].response.location);

    // For a clinical record the refusal of the create is the same whether a hidden record matches or nothing does.
    const observation = buildVitalSign(hiddenPatient, { code: "8302-2" });
    const matchingHidden = await stranger.client.post("/fhir/R4", conditional("Observation", observation, `patient=${hiddenPatient}&code=8302-2`), fhir);
    const matchingNothing = await stranger.client.post("/fhir/R4", conditional("Observation", observation, `patient=${hiddenPatient}&code=9999-9`), fhir);
    assert.equal(matchingHidden.status, 403, matchingHidden.text);
    assert.deepEqual(matchingHidden.json, matchingNothing.json);
    assert.ok(!matchingHidden.text.includes(hiddenObservation));
  });

  it("audits every interaction against the patient, refusals included", async () => {
    const patient = (await doctor.client.post("/fhir/R4/Patient", buildPatient(), fhir)).json.id as string;
    const created = await doctor.client.post("/fhir/R4/Observation", heartRate(patient, 70), fhir);
    await doctor.client.request("PUT", `/fhir/R4/Observation/${created.json.id}`, { body: created.json, contentType: fhir.contentType, headers: { "if-match": 'W/"9"' } });
    await doctor.client.get(`/fhir/R4/Observation/${created.json.id}/_history`);
    await doctor.client.request("DELETE", `/fhir/R4/Observation/${created.json.id}`);
    const admin = await app.signedInUser("admin");
    await admin.client.get(`/fhir/R4/Observation/${created.json.id}/_history/1`);
    assert.deepEqual(await auditActions(app, patient), ["fhir.create:success", "fhir.create:success", "fhir.update:failure", "fhir.history:success", "fhir.delete:success", "fhir.vread:denied"]);
  });

  it("lists a type's history newest first across pages with sealed page links", async () => {
    const patient = (await doctor.client.post("/fhir/R4/Patient", buildPatient(), fhir)).json.id as string;
    for (let i = 0; i < 5; i++) await doctor.client.post("/fhir/R4/Observation", heartRate(patient, 60 + i), fhir);
    const first = await doctor.client.get("/fhir/R4/Observation/_history?_count=3");
    assert.equal(first.status, 200);
    assert.equal(first.json.entry.length, 3);
    const next = first.json.link.find((link: { relation: string }) => link.relation === "next")?.url as string;
    assert.match(next, /\/fhir\/R4\/Observation\/_history\?_page=[\w-]+$/);
    const second = await doctor.client.get(new URL(next).pathname + new URL(next).search);
    assert.equal(second.status, 200);
    const ids = [...first.json.entry, ...second.json.entry].map((entry: { fullUrl: string; response: { etag: string } }) => `${entry.fullUrl}${entry.response.etag}`);
    assert.equal(new Set(ids).size, ids.length, "no version appears twice");
    // Another account cannot use the link.
    const nurse = await app.signedInUser("doctor");
    assert.equal((await nurse.client.get(new URL(next).pathname + new URL(next).search)).status, 400);
  });

  it("gives everything in a patient's record as one Bundle", async () => {
    const patient = (await doctor.client.post("/fhir/R4/Patient", buildPatient(), fhir)).json.id as string;
    await doctor.client.post("/fhir/R4/Observation", heartRate(patient, 70), fhir);
    const everything = await doctor.client.get(`/fhir/R4/Patient/${patient}/$everything`);
    assert.equal(everything.status, 200);
    assert.deepEqual(everything.json.entry.map((entry: { resource: { resourceType: string } }) => entry.resource.resourceType).sort(), ["Observation", "Patient"]);
  });

  it("keeps versions append-only in the database itself, which the TRU-1 check proves live", async () => {
    const created = await doctor.client.post("/fhir/R4/Observation", heartRate(patientId, 70), fhir);
    const id = created.json.id as string;
    await assert.rejects(sql`update fhir_resource_version set is_deleted = true where id = ${id}`.execute(app.mamori.db.kysely), /never changed/);
    await assert.rejects(sql`delete from fhir_resource_version where id = ${id}`.execute(app.mamori.db.kysely), /never deleted/);
    const result = await fhirVersioning.run(app.mamori.compliance.checkContext);
    assert.equal(result.status, "met", result.reason);
    assert.equal(result.evidence["brokenSequences"], 0);
  });
});
