import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { sql } from "kysely";
import pg from "pg";
import pino from "pino";
import { buildPatient, createTestClient, startTcpProxy, startTestApp, type TestApp, type TestClient } from "../src/testing/index.js";

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

const postgresServer = () => {
  const url = new URL(process.env["DATABASE_URL"]!);
  return { host: url.hostname, port: Number(url.port || 5432) };
};
// Trust authentication ignores it: it stands for a real one, which must never reach the log.
const passwordInUrl = "pw-never-in-logs-7f3a";
const withPassword = (url: string) => {
  const rewritten = new URL(url);
  rewritten.password = passwordInUrl;
  return rewritten.toString();
};

/** Polls an asynchronous condition until it holds, failing after `timeoutMs` with what was awaited. */
async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await condition()); await new Promise((resolve) => setTimeout(resolve, 100))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
  }
}

/** The log lines a node writes, kept for the test to read. */
function capturedLog(): { logger: pino.Logger; text(): string } {
  let text = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { logger: pino({ level: "info" }, sink), text: () => text };
}

describe("a node started while PostgreSQL cannot be reached", () => {
  it("stays up: live 200, ready 503 naming the database, 503 database.unavailable elsewhere; serves once the database is back", { skip: postgresOnly, timeout: 120_000 }, async (t) => {
    const proxy = await startTcpProxy(postgresServer(), "down");
    const log = capturedLog();
    let holding: { baseUrl: string; cert: string } | undefined;
    const starting = startTestApp({ databaseVia: (url) => withPassword(proxy.via(url)), whileDatabaseDown: (server) => (holding = server), logger: log.logger });
    let app: TestApp | undefined;
    try {
      await eventually(() => holding !== undefined, "the holding server listens", 30_000);
      const client: TestClient = createTestClient(holding!.baseUrl, holding!.cert);
      assert.equal((await client.get("/health/live")).status, 200);
      const ready = await client.get("/health/ready");
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.json.failing, ["database"]);
      const fhir = await client.get("/fhir/R4/Patient?family=Yamada");
      assert.equal(fhir.status, 503);
      assert.equal(fhir.json.resourceType, "OperationOutcome");
      assert.equal(fhir.json.issue[0].details.coding[0].code, "database.unavailable");
      const api = await client.post("/api/auth/sign-in", { email: "doctor@example.test", password: "x" });
      assert.equal(api.status, 503);
      assert.equal(api.json.code, "database.unavailable");
      assert.ok(api.headers["retry-after"], "no Retry-After on the 503");
      // Still holding after a few more tries: it does not give up.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      assert.equal((await client.get("/health/live")).status, 200);
      assert.equal(proxy.forwarded, 0);

      proxy.up();
      const upAt = performance.now();
      app = await starting;
      await eventually(async () => (await client.get("/health/ready")).status === 200, "ready", 30_000);
      t.diagnostic(`ready ${((performance.now() - upAt) / 1000).toFixed(1)} s after the database came back`);
      // Migrated, keyed and bootstrapped after the wait: a first administrator, a doctor, a write and its read.
      const doctor = await app.signedInUser("doctor");
      const created = await doctor.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: "LATE-1" }));
      assert.equal(created.status, 201, created.text);
      assert.equal((await doctor.client.get(`/fhir/R4/Patient/${created.json.id as string}`)).status, 200);

      const lines = log.text();
      assert.ok(lines.includes("database unreachable at start"), "the wait is not logged");
      assert.ok(!lines.includes(passwordInUrl), "the database password reached the log");
      assert.ok(!lines.includes(`:${proxy.port}`), "the database address reached the log");
    } finally {
      proxy.up();
      app ??= await starting.catch(() => undefined);
      await app?.close();
      await proxy.close();
    }
  });
});

describe("PostgreSQL going away under write load", () => {
  it("answers 503 while it is away and keeps every acknowledged write and its audit entry", { skip: postgresOnly, timeout: 180_000 }, async (t) => {
    const proxy = await startTcpProxy(postgresServer(), "up");
    const app = await startTestApp({ databaseVia: (url) => proxy.via(url), env: { MAMORI_RATE_LIMIT_ACCOUNT: "off", MAMORI_RATE_LIMIT_IP: "off", MAMORI_IDS_MASS_READ_PATIENTS: "100000" } });
    try {
      const doctor = await app.signedInUser("doctor");
      const created: string[] = [];
      const statuses = new Map<number, number>();
      let stop = false;
      const workers = Array.from({ length: 4 }, async (_, worker) => {
        for (let n = 0; !stop && n < 2_000; n += 1) {
          const answer = await doctor.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: `R${worker}-${n}` }));
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status === 201) created.push(answer.json.id as string);
        }
      });
      const count = (status: number) => statuses.get(status) ?? 0;
      await eventually(() => count(201) >= 20, "20 writes acknowledged", 60_000);
      // Away twice, each time for longer than a connection attempt takes to fail: every connection is cut, new ones refused.
      for (let round = 0; round < 2; round += 1) {
        proxy.down();
        const refusedBefore = count(503);
        await eventually(() => count(503) > refusedBefore, "a write refused with 503", 30_000);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        assert.equal((await app.client().get("/health/live")).status, 200);
        const ready = await app.client().get("/health/ready");
        assert.equal(ready.status, 503);
        assert.ok((ready.json.failing as string[]).includes("database"), JSON.stringify(ready.json));
        proxy.up();
        const acknowledgedBefore = count(201);
        await eventually(() => count(201) > acknowledgedBefore, "a write acknowledged again", 30_000);
      }
      stop = true;
      await Promise.all(workers);

      const unexpected = [...statuses.keys()].filter((status) => status !== 201 && status !== 503);
      assert.deepEqual(unexpected, [], `answers: ${JSON.stringify([...statuses])}`);
      assert.ok(count(503) > 0 && created.length > 0, `answers: ${JSON.stringify([...statuses])}`);
      // Ready again without a restart (the audit writer's readiness remembers a failed commit for some seconds).
      let lastReady: unknown;
      await eventually(async () => {
        const ready = await app.client().get("/health/ready");
        lastReady = ready.json;
        return ready.status === 200;
      }, "ready again", 30_000).catch((error: unknown) => assert.fail(`${String(error)}: ${JSON.stringify(lastReady)}`));
      for (const id of created) assert.equal((await doctor.client.get(`/fhir/R4/Patient/${id}`)).status, 200, `acknowledged Patient/${id} lost`);
      const audited = await sql<{ patient_id: string }>`
        select entry->>'patientId' as patient_id from audit_entry where entry->>'action' = 'fhir.create' and entry->>'outcome' = 'success'`.execute(app.mamori.db.kysely);
      const auditedIds = new Set(audited.rows.map((row) => row.patient_id));
      const unaudited = created.filter((id) => !auditedIds.has(id));
      assert.deepEqual(unaudited, [], "acknowledged writes without an audit entry");
      const verified = await app.mamori.audit.verify();
      assert.ok(verified.intact, JSON.stringify(verified.firstBroken));
      t.diagnostic(`answers ${JSON.stringify(Object.fromEntries(statuses))}; ${created.length} acknowledged writes all readable and audited`);
    } finally {
      await app.close();
      await proxy.close();
    }
  });
});
