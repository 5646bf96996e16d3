import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createManualClock } from "../src/kernel/index.js";
import { buildPatient, buildVitalSign, startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";

const fhir = { contentType: "application/fhir+json" };

// Distinctive synthetic values, so finding any of them in a dump means it was stored in clear.
const marker = {
  familyKanji: "鏑木沢",
  givenKanji: "蒼唯",
  familyKana: "カブラギサワ",
  givenKana: "アオイ",
  birthDate: "1931-02-17",
  patientNumber: "MRN-7Q4Z9X",
};

const clinical = {
  conditionText: "鏑木沢症候群の疑い",
  note: "夜間に咳嗽増悪MK9",
  allergyText: "ペニシリン系QZ8",
  // Free text of emergency access: the clinician's reason and the security officer's review note.
  breakGlassReason: "意識消失で搬送、抗凝固薬服用中BG7",
  reviewNote: "救急外来での正当な対応RN5",
};

describe("records at rest (ENC-2)", () => {
  let app: TestApp;
  let doctor: SignedInUser;
  const clock = createManualClock();
  before(async () => {
    app = await startTestApp({ clock });
    doctor = await app.signedInUser("doctor");
  });
  after(() => app.close());

  it("stores a patient's record so that no table holds a name, birth date, identifier, condition or note in clear", async () => {
    const created = await doctor.client.post("/fhir/R4/Patient", buildPatient(marker), fhir);
    assert.equal(created.status, 201);
    assert.equal((await doctor.client.get(`/fhir/R4/Patient/${created.json.id}`)).json.name[1].family, marker.familyKana);
    const subject = { reference: `Patient/${created.json.id}` };
    const condition = await doctor.client.post(
      "/fhir/R4/Condition",
      { resourceType: "Condition", subject, code: { coding: [{ system: "http://snomed.info/sct", code: "73211009" }], text: clinical.conditionText }, note: [{ text: clinical.note }] },
      fhir,
    );
    assert.equal(condition.status, 201, condition.text);
    const allergy = await doctor.client.post("/fhir/R4/AllergyIntolerance", {
        resourceType: "AllergyIntolerance",
        clinicalStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", code: "active" }] },
        patient: subject,
        code: { text: clinical.allergyText },
      }, fhir);
    assert.equal(allergy.status, 201, allergy.text);
    // Emergency access by a doctor outside the patient's care, reviewed by the security officer: the review queue
    // shows the reason and the note, the database only their ciphertext.
    const emergencyDoctor = await app.signedInUser("doctor");
    const grant = await emergencyDoctor.client.post("/api/break-glass", { patientId: created.json.id, reason: clinical.breakGlassReason });
    assert.equal(grant.status, 201, grant.text);
    const officer = await app.signedInUser("security_officer");
    const review = await officer.client.post(`/api/break-glass/reviews/${grant.json.id}`, { outcome: "justified", note: clinical.reviewNote });
    assert.equal(review.status, 200, review.text);
    const closed = (await officer.client.get("/api/break-glass/reviews?status=closed")).json.items.find((item: { id: string }) => item.id === grant.json.id);
    assert.deepEqual([closed?.reason, closed?.note], [clinical.breakGlassReason, clinical.reviewNote]);
    // Searching leaves nothing in clear either (index rows, audit entries, page links).
    const search = await doctor.client.post("/fhir/R4/Patient/_search", `family=${encodeURIComponent(marker.familyKana)}`, { contentType: "application/x-www-form-urlencoded" });
    assert.equal(search.status, 200, search.text);

    const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(app.mamori.db.kysely);
    assert.ok(tables.rows.length >= 8);
    const needles = [...Object.values(marker), ...Object.values(clinical), marker.birthDate.replaceAll("-", ""), Buffer.from(marker.familyKanji).toString("hex")];
    for (const { table_name } of tables.rows) {
      // Every column as text, bytea as hex and as escaped bytes: a clear value cannot hide in any of them.
      const rows = await sql<{ dump: string }>`select t::text || encode(convert_to(t::text, 'UTF8'), 'escape') as dump from ${sql.table(table_name)} t`.execute(app.mamori.db.kysely);
      for (const { dump } of rows.rows) {
        for (const needle of needles) assert.equal(dump.includes(needle), false, `${table_name} holds ${needle} in clear`);
      }
    }
  });

  it("answers an unknown id with 404 OperationOutcome, also for ids we never issue", async () => {
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid.1"]) {
      const response = await doctor.client.get(`/fhir/R4/Patient/${id}`);
      assert.equal(response.status, 404);
      assert.equal(response.json.resourceType, "OperationOutcome");
      assert.equal(response.json.issue[0].code, "not-found");
    }
  });

  it("refuses an invalid Patient with 400 OperationOutcome naming the element, and stores nothing", async () => {
    const before = await sql<{ n: number }>`select count(*)::int8 as n from fhir_resource_version`.execute(app.mamori.db.kysely);
    const invalid = await doctor.client.post("/fhir/R4/Patient", { ...buildPatient(), birthDate: "1984-13-45", nickname: "x" }, fhir);
    assert.equal(invalid.status, 400);
    assert.equal(invalid.json.resourceType, "OperationOutcome");
    assert.deepEqual([...invalid.json.issue[0].expression].sort(), ["Patient.birthDate", "Patient.nickname"]);
    const after = await sql<{ n: number }>`select count(*)::int8 as n from fhir_resource_version`.execute(app.mamori.db.kysely);
    assert.equal(after.rows[0]!.n, before.rows[0]!.n);
  });

  it("refuses a body whose resourceType does not match the URL", async () => {
    const mismatch = await doctor.client.post("/fhir/R4/Patient", { resourceType: "Observation", status: "final" }, fhir);
    assert.equal(mismatch.status, 400);
    assert.deepEqual(mismatch.json.issue[0].expression, ["resourceType"]);
  });

  it("answers a resource type it does not store with 404 not-supported", async () => {
    const response = await doctor.client.get("/fhir/R4/Specimen/abc");
    assert.equal(response.status, 404);
    assert.equal(response.json.issue[0].code, "not-supported");
  });

  it("ignores a client-chosen id on create and assigns its own", async () => {
    const created = await doctor.client.post("/fhir/R4/Patient", { ...buildPatient(), id: "chosen-by-client" }, fhir);
    assert.equal(created.status, 201);
    assert.notEqual(created.json.id, "chosen-by-client");
  });

  it("refuses malformed JSON with 400 OperationOutcome", async () => {
    const response = await doctor.client.post("/fhir/R4/Patient", '{"resourceType": "Patient",', fhir);
    assert.equal(response.status, 400);
    assert.equal(response.json.resourceType, "OperationOutcome");
  });

  // On PGlite, with its single session, a key read through a second connection from inside the write's transaction
  // waited for that transaction forever: the server hung on the first write to a record not touched for a minute.
  it("writes to a record whose data key has left this node's cache, reading the key within the write's transaction", { timeout: 30_000 }, async () => {
    const created = await doctor.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: "MRN-CACHE-1" }), fhir);
    assert.equal(created.status, 201);
    const patientId = created.json.id as string;
    const keyCacheMs = 60_000;
    clock.advance(keyCacheMs + 1_000);
    assert.equal((await doctor.client.post("/fhir/R4/Observation", buildVitalSign(patientId, { value: 71 }), fhir)).status, 201);

    // In a transaction: a plain create (encrypted inside it) and a conditional create that finds the Patient and
    // decrypts it inside it, each after the key has aged out again.
    const bundle = () => ({
      resourceType: "Bundle",
      type: "transaction",
      entry: [
        { resource: buildPatient({ patientNumber: "MRN-CACHE-1" }), request: { method: "POST", url: "Patient", ifNoneExist: "identifier=urn:oid:1.2.392.100495.20.3.51.1|MRN-CACHE-1" } },
        { resource: buildVitalSign(patientId, { value: 72 }), request: { method: "POST", url: "Observation" } },
      ],
    });
    for (let round = 0; round < 2; round++) {
      clock.advance(keyCacheMs + 1_000);
      const written = await doctor.client.post("/fhir/R4", bundle(), fhir);
      assert.equal(written.status, 200, written.text);
      assert.deepEqual(written.json.entry.map((entry: { response: { status: string } }) => entry.response.status.slice(0, 3)), ["200", "201"]);
    }
  });
});
