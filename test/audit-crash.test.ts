import assert from "node:assert/strict";
import https from "node:https";
import { after, describe, it } from "node:test";
import { sql } from "kysely";
import { buildPatient, childDataDir, cleanUpChildServer, inspectChildServerData, startChildServer, type ChildServerReady } from "../src/testing/index.js";

interface Ready extends ChildServerReady {
  patientIds: string[];
}

// LOG-1 with 保存性: a crash (kill -9) during concurrent requests loses no audit entry of any answered request.
describe("audit trail across a crash", () => {
  let dataDir: string | undefined;
  let databaseUrl: string | null = null;
  after(() => cleanUpChildServer(dataDir, databaseUrl));

  it("keeps an entry for every answered read when the process is killed mid-load", { timeout: 120_000 }, async () => {
    dataDir = await childDataDir("crash");
    const { child, ready, exited } = await startChildServer<Ready>("test/fixtures/crash-server.ts", dataDir);
    databaseUrl = ready.databaseUrl;

    const agent = new https.Agent({ keepAlive: true, maxSockets: 16, ca: ready.cert, servername: "localhost" });
    const answered = new Map<string, number>();
    let stop = false;
    const read = (id: string) =>
      new Promise<number>((resolve) => {
        https
          .get(`${ready.baseUrl}/fhir/R4/Patient/${id}`, { agent, headers: { cookie: ready.cookie } }, (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
            res.on("error", () => resolve(0));
          })
          .on("error", () => resolve(0));
      });
    const workers = Array.from({ length: 16 }, async (_, worker) => {
      for (let n = 0; !stop && n < 10_000; n += 1) {
        const id = ready.patientIds[(worker + n) % ready.patientIds.length]!;
        if ((await read(id)) === 200) answered.set(id, (answered.get(id) ?? 0) + 1);
      }
    });
    // Kill once a good number of reads were answered (bounded in time), whatever the machine's load.
    const total = () => [...answered.values()].reduce((a, b) => a + b, 0);
    for (const deadline = Date.now() + 30_000; total() < 100 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill("SIGKILL");
    stop = true;
    await Promise.all(workers);
    await exited;
    agent.destroy();
    assert.ok(total() >= 100, `only ${total()} reads answered before the kill`);

    const report = await inspectChildServerData(dataDir, databaseUrl, async (db) => {
      const rows = await sql<{ patient_id: string; n: number }>`
        select entry->>'patientId' as patient_id, count(*)::int8 as n from audit_entry
        where entry->>'action' = 'fhir.read' and entry->>'outcome' = 'success' group by 1`.execute(db.kysely);
      const audited = new Map(rows.rows.map((row) => [row.patient_id, row.n]));
      for (const [id, count] of answered) assert.ok((audited.get(id) ?? 0) >= count, `patient ${id}: ${count} answered, ${audited.get(id) ?? 0} audited`);
    });
    assert.equal(report.intact, true, JSON.stringify(report));
  });
});

// 保存性 for writes: a crash (kill -9) during concurrent writes loses no acknowledged record and no audit entry of one.
describe("records and audit trail across a crash under writes", () => {
  let dataDir: string | undefined;
  let databaseUrl: string | null = null;
  after(() => cleanUpChildServer(dataDir, databaseUrl));

  it("keeps every acknowledged write and its audit entry when the process is killed mid-load", { timeout: 180_000 }, async (t) => {
    dataDir = await childDataDir("crash-writes");
    const { child, ready, exited } = await startChildServer<Ready>("test/fixtures/crash-server.ts", dataDir);
    databaseUrl = ready.databaseUrl;

    const agent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: ready.cert, servername: "localhost" });
    const acknowledged: string[] = [];
    let stop = false;
    const create = (patientNumber: string) =>
      new Promise<string | undefined>((resolve) => {
        const request = https.request(
          `${ready.baseUrl}/fhir/R4/Patient`,
          { method: "POST", agent, headers: { cookie: ready.cookie, "content-type": "application/fhir+json", origin: new URL(ready.baseUrl).origin } },
          (res) => {
            let body = "";
            res.on("data", (chunk: Buffer) => (body += chunk.toString()));
            res.on("end", () => resolve(res.statusCode === 201 ? (JSON.parse(body) as { id: string }).id : undefined));
            res.on("error", () => resolve(undefined));
          },
        );
        request.on("error", () => resolve(undefined));
        request.end(JSON.stringify(buildPatient({ patientNumber })));
      });
    const workers = Array.from({ length: 8 }, async (_, worker) => {
      for (let n = 0; !stop && n < 10_000; n += 1) {
        const id = await create(`K${worker}-${n}`);
        if (id) acknowledged.push(id);
      }
    });
    // Kill once a good number of writes were acknowledged (bounded in time), whatever the machine's load.
    for (const deadline = Date.now() + 60_000; acknowledged.length < 30 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill("SIGKILL");
    stop = true;
    await Promise.all(workers);
    await exited;
    agent.destroy();
    assert.ok(acknowledged.length >= 5, `only ${acknowledged.length} writes acknowledged before the kill`);

    const report = await inspectChildServerData(dataDir, databaseUrl, async (db) => {
      const stored = await sql<{ id: string }>`select id from fhir_resource_version where resource_type = 'Patient'`.execute(db.kysely);
      const storedIds = new Set(stored.rows.map((row) => row.id));
      const audited = await sql<{ patient_id: string }>`
        select entry->>'patientId' as patient_id from audit_entry where entry->>'action' = 'fhir.create' and entry->>'outcome' = 'success'`.execute(db.kysely);
      const auditedIds = new Set(audited.rows.map((row) => row.patient_id));
      assert.deepEqual(acknowledged.filter((id) => !storedIds.has(id)), [], "acknowledged writes lost");
      assert.deepEqual(acknowledged.filter((id) => !auditedIds.has(id)), [], "acknowledged writes without an audit entry");
    });
    assert.equal(report.intact, true, JSON.stringify(report));
    t.diagnostic(`${acknowledged.length} writes acknowledged before SIGKILL; all stored and audited after restart`);
  });
});
