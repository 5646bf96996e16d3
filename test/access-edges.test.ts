import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { buildVitalSign, createPatient, startTestApp, type SignedInUser, type TestApp, type TestClient, type TestResponse } from "../src/testing/index.js";

const fhir = { contentType: "application/fhir+json" };
const missingId = "00000000-0000-4000-8000-00000000dead";

type Entry = { action: string; outcome: string; reasonCode?: string; patientId?: string; actor: { accountId?: string }; resource?: { type: string; id?: string } };

async function auditEntries(app: TestApp): Promise<Entry[]> {
  const rows = await app.mamori.db.kysely.withTables<{ audit_entry: { seq: number; entry: Entry } }>().selectFrom("audit_entry").select("entry").orderBy("seq").execute();
  return rows.map((row) => row.entry);
}

/** Everything a client can compare between two answers, without what differs per response (time, budgets, ids). */
function answerOf(response: TestResponse) {
  const perResponse = /^(date|x-request-id|ratelimit|x-ratelimit|retry-after|content-length)/;
  const headers = Object.fromEntries(Object.entries(response.headers).filter(([name]) => !perResponse.test(name)));
  return { status: response.status, headers, body: response.text };
}

/** The median time of `runs` sequential requests, in milliseconds. */
async function medianTime(client: TestClient, path: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await client.get(path);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

// Threat I4 and ACC-1: a record the caller may not read answers exactly like one that does not exist (one body,
// one set of headers, about the same time), so ids cannot be probed for existence; the denial is still audited.
describe("refused reads look like missing records", () => {
  let app: TestApp;
  let doctor: SignedInUser;
  let stranger: SignedInUser;
  let patientId: string;
  let observationId: string;
  let fileId: string;
  before(async () => {
    app = await startTestApp({ env: { MAMORI_UPLOAD_WORKERS: "1" } });
    doctor = await app.signedInUser("doctor");
    stranger = await app.signedInUser("doctor");
    patientId = await createPatient(doctor);
    const observation = await doctor.client.post("/fhir/R4/Observation", buildVitalSign(patientId, { value: 70 }), fhir);
    assert.equal(observation.status, 201, observation.text);
    observationId = observation.json.id as string;
    const file = await doctor.client.post("/fhir/R4/Binary", Buffer.from("血圧 120/80\n"), { contentType: "text/plain", headers: { "x-mamori-patient": patientId } });
    assert.equal(file.status, 201, file.text);
    fileId = file.json.id as string;
  });
  after(() => app.close());

  it("answers read, vread, history and Binary of a record outside the caller's care with the 404 of a missing id", async () => {
    const paths = (id: string) => [`/fhir/R4/Observation/${id}`, `/fhir/R4/Observation/${id}/_history/1`, `/fhir/R4/Observation/${id}/_history`, `/fhir/R4/Binary/${id}`];
    const existing = paths(observationId);
    existing[3] = `/fhir/R4/Binary/${fileId}`;
    const missing = paths(missingId);
    for (const [index, path] of existing.entries()) {
      assert.equal((await doctor.client.get(path)).status, 200, `the doctor in care reads ${path}`);
      const refused = await stranger.client.get(path);
      const absent = await stranger.client.get(missing[index]!);
      assert.equal(refused.status, 404, path);
      assert.equal(refused.json.issue[0].details.coding[0].code, "fhir.not_found", path);
      assert.deepEqual(answerOf(refused), answerOf(absent), path);
    }
  });

  it("still audits the refusal as denied with its reason, in the patient's access history", async () => {
    await stranger.client.get(`/fhir/R4/Observation/${observationId}`);
    const entries = (await auditEntries(app)).filter((entry) => entry.actor.accountId === stranger.accountId);
    const read = entries.findLast((entry) => entry.action === "fhir.read" && entry.resource?.id === observationId);
    assert.deepEqual([read?.outcome, read?.reasonCode, read?.patientId], ["denied", "access.no_permission", patientId]);
    const history = entries.findLast((entry) => entry.action === "fhir.history" && entry.resource?.id === observationId);
    assert.deepEqual([history?.outcome, history?.reasonCode, history?.patientId], ["denied", "access.no_permission", patientId]);
    const missing = entries.findLast((entry) => entry.action === "fhir.read" && entry.resource?.id === missingId);
    assert.deepEqual([missing?.outcome, missing?.reasonCode], ["failure", "fhir.not_found"]);
  });

  it("takes about as long for a refused record as for a missing one (the decision is taken for both)", async () => {
    await medianTime(stranger.client, `/fhir/R4/Observation/${missingId}`, 3);
    const refused = await medianTime(stranger.client, `/fhir/R4/Observation/${observationId}`, 15);
    const absent = await medianTime(stranger.client, `/fhir/R4/Observation/${missingId}`, 15);
    const ratio = refused / absent;
    assert.ok(ratio > 0.33 && ratio < 3, `refused/missing time ratio ${ratio.toFixed(2)}`);
  });

  it("answers a patient of the portal another patient's record, or a record of theirs, like a missing one", async () => {
    const otherPatientId = await createPatient(doctor);
    const portal = await app.signedInPatient(doctor, otherPatientId);
    assert.equal((await portal.client.get(`/fhir/R4/Patient/${otherPatientId}`)).status, 200);
    const pairs: Array<[string, string]> = [
      [`/fhir/R4/Patient/${patientId}`, `/fhir/R4/Patient/${missingId}`],
      [`/fhir/R4/Patient/${patientId}/_history/1`, `/fhir/R4/Patient/${missingId}/_history/1`],
      [`/fhir/R4/Patient/${patientId}/_history`, `/fhir/R4/Patient/${missingId}/_history`],
      [`/fhir/R4/Patient/${patientId}/$everything`, `/fhir/R4/Patient/${missingId}/$everything`],
      [`/fhir/R4/Observation/${observationId}`, `/fhir/R4/Observation/${missingId}`],
      [`/fhir/R4/Binary/${fileId}`, `/fhir/R4/Binary/${missingId}`],
    ];
    for (const [theirs, absent] of pairs) {
      const refused = await portal.client.get(theirs);
      assert.equal(refused.status, 404, theirs);
      assert.deepEqual(answerOf(refused), answerOf(await portal.client.get(absent)), theirs);
    }
  });

  it("answers a search about a patient outside the caller's care exactly as one about a patient that does not exist", async () => {
    const hidden = await stranger.client.get(`/fhir/R4/Observation?patient=${patientId}`);
    const absent = await stranger.client.get(`/fhir/R4/Observation?patient=${missingId}`);
    assert.equal(hidden.status, absent.status);
    assert.deepEqual(hidden.json, absent.json);
    assert.ok(!hidden.text.includes(observationId));
  });

  it("keeps 403 for a write to a record the caller may read, where existence is already known", async () => {
    const own = await doctor.client.get(`/fhir/R4/Observation/${observationId}`);
    const portal = await app.signedInPatient(doctor, patientId);
    assert.equal((await portal.client.get(`/fhir/R4/Observation/${observationId}`)).status, 200, "the patient reads their own record");
    const write = await portal.client.request("PUT", `/fhir/R4/Observation/${observationId}`, { body: own.json, contentType: fhir.contentType });
    assert.equal(write.status, 403, write.text);
    assert.equal((await portal.client.request("DELETE", `/fhir/R4/Observation/${observationId}`)).status, 403);
  });
});

// FHIR R4 http.html#history: `_since` is an instant. One the database cannot hold is the client's error, not a 500.
describe("history and search dates out of range", () => {
  let app: TestApp;
  let doctor: SignedInUser;
  before(async () => {
    app = await startTestApp();
    doctor = await app.signedInUser("doctor");
  });
  after(() => app.close());

  it("answers _since and _lastUpdated outside years 0001–9999, or unreadable, with a 400 OperationOutcome", async () => {
    for (const path of [
      "/fhir/R4/Patient/_history?_since=-271821-04-20",
      "/fhir/R4/Patient/_history?_since=%2B275760-09-13",
      "/fhir/R4/Patient/_history?_since=0000-01-01",
      "/fhir/R4/Patient/_history?_since=2026-02-30",
      "/fhir/R4/Patient/_history?_since=yesterday",
      "/fhir/R4/Observation/_history?_since=2026-04-01T00:00:00%2B99:00",
      "/fhir/R4/Patient?_lastUpdated=gt-271821-04-20",
      "/fhir/R4/Observation?date=ge%2B275760-09-13",
    ]) {
      const response = await doctor.client.get(path);
      assert.equal(response.status, 400, `${path}: ${response.text}`);
      assert.equal(response.json.resourceType, "OperationOutcome", path);
      assert.equal(response.json.issue[0].details.coding[0].code, "fhir.invalid_search", path);
    }
  });

  it("still reads a FHIR dateTime _since, and a date as the clinic's day", async () => {
    await createPatient(doctor);
    for (const since of ["2000-01-01T00:00:00Z", "2000-01-01", "0001-01-01"]) {
      const response = await doctor.client.get(`/fhir/R4/Patient/_history?_since=${since}`);
      assert.equal(response.status, 200, `${since}: ${response.text}`);
      assert.ok(response.json.entry.length >= 1, since);
    }
    assert.equal((await doctor.client.get("/fhir/R4/Patient/_history?_since=9999-12-31")).json.entry.length, 0);
    for (const path of ["/fhir/R4/Patient?_lastUpdated=lt9999-12-31T23:59:59Z", "/fhir/R4/Patient?_lastUpdated=gt0001-01-01", "/fhir/R4/Observation?date=ge9999", "/fhir/R4/Observation?date=le0001-01-01T00:00:00%2B14:00", "/fhir/R4/Patient/_history?_since=9999-12-31T23:59:59.999-14:00"]) {
      const response = await doctor.client.get(path);
      assert.equal(response.status, 200, `${path}: ${response.text}`);
    }
  });
});
