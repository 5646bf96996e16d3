import assert from "node:assert/strict";
import https from "node:https";
import { after, describe, it } from "node:test";
import { sql } from "kysely";
import { buildPatient, childDataDir, cleanUpChildServer, inspectChildServerData, startChildServer, type ChildServerReady } from "../src/testing/index.js";

// Graceful shutdown: SIGTERM under write load answers or refuses every request cleanly, loses no audit entry of an
// answered write, turns readiness to 503 before the node stops accepting, and exits 0.
describe("graceful shutdown", () => {
  let dataDir: string | undefined;
  let databaseUrl: string | null = null;
  after(() => cleanUpChildServer(dataDir, databaseUrl));

  it("drains writes in flight, keeps their audit entries and exits 0 on SIGTERM", { timeout: 120_000 }, async () => {
    dataDir = await childDataDir("shutdown");
    const { child, ready, exited, stderr } = await startChildServer<ChildServerReady>("test/fixtures/shutdown-server.ts", dataDir);
    databaseUrl = ready.databaseUrl;

    const agent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: ready.cert, servername: "localhost" });
    const origin = new URL(ready.baseUrl).origin;
    const send = (method: string, url: string, body?: string) =>
      new Promise<{ status: number; text: string }>((resolve) => {
        const request = https.request(
          `${ready.baseUrl}${url}`,
          { method, agent, headers: { cookie: ready.cookie, origin, accept: "application/json, application/fhir+json", ...(body ? { "content-type": "application/fhir+json" } : {}) } },
          (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => (text += chunk));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
            res.on("error", () => resolve({ status: 0, text: "" }));
          },
        );
        request.on("error", () => resolve({ status: 0, text: "" }));
        if (body) request.write(body);
        request.end();
      });

    const created: string[] = [];
    const statuses = new Map<number, number>();
    let stop = false;
    const workers = Array.from({ length: 8 }, async (_, worker) => {
      for (let n = 0; !stop && n < 5_000; n += 1) {
        const answer = await send("POST", "/fhir/R4/Patient", JSON.stringify(buildPatient({ patientNumber: `S${worker}-${n}` })));
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status === 201) created.push((JSON.parse(answer.text) as { id: string }).id);
        if (answer.status === 0) break; // the listener is gone
      }
    });
    for (const deadline = Date.now() + 60_000; created.length < 10 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill("SIGTERM");
    // Within the shutdown delay the node still answers, but tells the load balancer to go elsewhere.
    // The signal arrives asynchronously: ask until the answer changes (bounded).
    let readiness = await send("GET", "/health/ready");
    for (const deadline = Date.now() + 5_000; readiness.status === 200 && Date.now() < deadline; ) readiness = await send("GET", "/health/ready");
    assert.equal(readiness.status, 503, readiness.text);
    assert.deepEqual(JSON.parse(readiness.text), { status: "not_ready", failing: ["shutting_down"] });
    const code = await exited;
    stop = true;
    await Promise.all(workers);
    agent.destroy();
    assert.equal(code, 0, stderr());
    assert.match(stderr(), /SIGTERM: finishing requests in flight/);
    assert.match(stderr(), /stopped cleanly/);
    assert.ok(created.length >= 10, `only ${created.length} writes answered before SIGTERM`);
    // Every answer is a success, a clean refusal while closing, or no connection once the listener is gone.
    for (const status of statuses.keys()) assert.ok([201, 503, 0].includes(status), `unexpected status ${status}: ${JSON.stringify([...statuses])}`);

    const report = await inspectChildServerData(dataDir, databaseUrl, async (db) => {
      const rows = await sql<{ id: string }>`
        select entry->'resource'->>'id' as id from audit_entry
        where entry->>'action' = 'fhir.create' and entry->>'outcome' = 'success'`.execute(db.kysely);
      const audited = new Set(rows.rows.map((row) => row.id));
      const missing = created.filter((id) => !audited.has(id));
      assert.deepEqual(missing, [], `${missing.length} of ${created.length} answered writes have no audit entry`);
    });
    assert.equal(report.intact, true, JSON.stringify(report));
  });
});
