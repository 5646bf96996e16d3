import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pg from "pg";
import { buildPatient, startTestApp } from "../src/testing/index.js";

const postgresOnly = process.env["DATABASE_URL"] ? false : "needs DATABASE_URL (PostgreSQL)";

// Operations: a node survives the database dropping its connections (a restart, a failover, an administrator's
// pg_terminate_backend) and answers 503 while it cannot reach it, never crashing and never losing an acknowledged write.
describe("PostgreSQL connections lost under write load", () => {
  it("keeps serving: refusals are 503, every acknowledged write stays readable, writes succeed again afterwards", { skip: postgresOnly, timeout: 180_000 }, async () => {
    const app = await startTestApp({ env: { MAMORI_RATE_LIMIT_ACCOUNT: "off", MAMORI_RATE_LIMIT_IP: "off", MAMORI_IDS_MASS_READ_PATIENTS: "100000" } });
    const admin = new pg.Client({ connectionString: process.env["DATABASE_URL"] });
    await admin.connect();
    try {
      const doctor = await app.signedInUser("doctor");
      const databaseName = new URL(app.config.databaseUrl!).pathname.slice(1);
      const terminate = () => admin.query("select count(pg_terminate_backend(pid)) as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [databaseName]);

      const created: string[] = [];
      const statuses = new Map<number, number>();
      let stop = false;
      const workers = Array.from({ length: 4 }, async (_, worker) => {
        for (let n = 0; !stop && n < 2_000; n += 1) {
          const answer = await doctor.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: `F${worker}-${n}` }));
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status === 201) created.push(answer.json.id as string);
        }
      });
      let terminated = 0;
      for (let round = 0; round < 5; round += 1) {
        await new Promise((resolve) => setTimeout(resolve, 400));
        terminated += Number((await terminate()).rows[0].n);
      }
      await new Promise((resolve) => setTimeout(resolve, 400));
      stop = true;
      await Promise.all(workers);

      assert.ok(terminated > 0, "no connection was terminated");
      const unexpected = [...statuses.keys()].filter((status) => status !== 201 && status !== 503);
      assert.deepEqual(unexpected, [], `answers: ${JSON.stringify([...statuses])}`);
      // Recovery without a restart: a new write is acknowledged within a few seconds.
      let after = await doctor.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: "F-after" }));
      for (const deadline = Date.now() + 10_000; after.status !== 201 && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        after = await doctor.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: "F-after" }));
      }
      assert.equal(after.status, 201, after.text);
      for (const id of created) assert.equal((await doctor.client.get(`/fhir/R4/Patient/${id}`)).status, 200, `acknowledged Patient/${id} lost`);
      const verified = await app.mamori.audit.verify();
      assert.ok(verified.intact, JSON.stringify(verified.firstBroken));
    } finally {
      await admin.end();
      await app.close();
    }
  });
});
