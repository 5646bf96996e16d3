import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createManualClock } from "../kernel/index.js";
import { buildPatient, startTestApp, type TestApp } from "../testing/index.js";
import { reencryptAll } from "./index.js";

// KEY-3: optional full re-encryption under fresh data keys, resumable and audited.
describe("reencryptAll", () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(async () => {
    await app.close();
  });

  it("resumes an interrupted re-encryption after the last patient finished and every record stays readable", async () => {
    const doctor = await app.signedInUser("doctor");
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await doctor.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: String(700 + i) }), { contentType: "application/fhir+json" })).json.id as string);
    const keysOf = async () => (await sql<{ id: string; data_key_id: string }>`select id, data_key_id from fhir_resource_version where resource_type = 'Patient'`.execute(app.mamori.db.kysely)).rows;
    const before = new Map((await keysOf()).map((row) => [row.id, row.data_key_id]));
    const deps = { db: app.mamori.db, keyring: app.mamori.keyring, audit: app.mamori.audit, clock: createManualClock(), pageSize: 2 };

    const controller = new AbortController();
    let seen = 0;
    await assert.rejects(reencryptAll({ ...deps, signal: controller.signal, onProgress: () => ++seen === 2 && controller.abort() }), /interrupted/);
    const halfway = (await keysOf()).filter((row) => row.data_key_id !== before.get(row.id)).length;
    assert.equal(halfway, 2);
    const resumed = await reencryptAll(deps);
    assert.equal(resumed.patients, 3, "only the patients not yet done");
    assert.equal((await keysOf()).filter((row) => row.data_key_id === before.get(row.id)).length, 0, "every body is under a fresh key");
    for (const id of ids) assert.equal((await doctor.client.get(`/fhir/R4/Patient/${id}`)).status, 200);
    const audited = await sql<{ n: number }>`select count(*) as n from audit_entry where entry->>'action' = 'crypto.reencrypt'`.execute(app.mamori.db.kysely);
    assert.equal(Number(audited.rows[0]!.n), 3, "started, resumed and complete");
  });
});
