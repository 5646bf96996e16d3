import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { fhirVersioning } from "../src/compliance/checks/fhir-versioning.js";
import { buildPatient, buildVitalSign, startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";

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
