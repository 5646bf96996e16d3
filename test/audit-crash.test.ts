import assert from "node:assert/strict";
import https from "node:https";
import { after, describe, it } from "node:test";
import { sql } from "kysely";
import { childDataDir, cleanUpChildServer, inspectChildServerData, startChildServer, type ChildServerReady } from "../src/testing/index.js";

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
