import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openDatabase } from "../src/db/index.js";
import { createReadiness } from "../src/ops/readiness.js";
import { freePort } from "../src/testing/free-port.js";
import { startTestApp, type TestApp } from "../src/testing/index.js";

type Entry = { action: string; outcome: string; reasonCode?: string; network?: { ip?: string } };

async function auditEntries(app: TestApp): Promise<Entry[]> {
  await app.mamori.audit.flush();
  const rows = await app.mamori.db.kysely.withTables<{ audit_entry: { seq: number; entry: Entry } }>().selectFrom("audit_entry").select("entry").orderBy("seq").execute();
  return rows.map((row) => row.entry);
}

/** The value of one sample line of the exposition text, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

describe("health endpoints", () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it("answers liveness and readiness without a session, and writes no audit entry per call", async () => {
    const before = (await auditEntries(app)).length;
    const client = app.client();
    for (let n = 0; n < 5; n++) {
      const live = await client.get("/health/live");
      assert.equal(live.status, 200);
      assert.deepEqual(live.json, { status: "live" });
      const ready = await client.get("/health/ready");
      assert.equal(ready.status, 200, ready.text);
      assert.deepEqual(ready.json, { status: "ready", failing: [] });
      assert.equal(ready.headers["cache-control"], "no-store");
    }
    assert.equal((await auditEntries(app)).length, before);
  });

  it("turns readiness to 503 naming the part when shutdown begins, while liveness still answers", async () => {
    const local = await startTestApp();
    try {
      local.mamori.readiness.beginShutdown();
      const ready = await local.client().get("/health/ready");
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.json, { status: "not_ready", failing: ["shutting_down"] });
      assert.equal((await local.client().get("/health/live")).status, 200);
    } finally {
      await local.close();
    }
  });

  it("names an unreachable Redis without its address", async () => {
    const unused = await freePort();
    const local = await startTestApp({ env: { REDIS_URL: `redis://:s3cret-in-url@127.0.0.1:${unused}` } });
    try {
      const ready = await local.client().get("/health/ready");
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.json, { status: "not_ready", failing: ["redis"] });
      assert.ok(!ready.text.includes("s3cret") && !ready.text.includes(String(unused)));
    } finally {
      await local.close();
    }
  });

  it("names the database and the audit writer when the database is gone, within the timeout", async () => {
    const db = await openDatabase({ dataDir: "unused", databaseUrl: undefined, databasePoolSize: 1 }, { memory: true });
    let accepting = true;
    const readiness = createReadiness({ db, audit: { accepting: () => accepting }, timeoutMs: 500 });
    assert.deepEqual(await readiness.check(), { ready: false, failing: ["migrations"] });
    accepting = false;
    await db.close();
    const startedAt = performance.now();
    const report = await readiness.check();
    assert.ok(performance.now() - startedAt < 2000);
    assert.deepEqual(report, { ready: false, failing: ["database", "migrations", "audit_writer"] });
  });
});

describe("metrics", () => {
  let app: TestApp;
  before(async () => {
    // The scraper on the node itself, named explicitly: loopback is not trusted by default.
    app = await startTestApp({ env: { MAMORI_RATE_LIMIT_AUTH: "3/60s", MAMORI_METRICS_NETWORKS: "127.0.0.1" } });
  });
  after(() => app.close());

  it("counts requests per route pattern and status class, never the raw URL", async () => {
    const client = app.client();
    await client.get("/fhir/R4/Patient/synthetic-id-4711");
    await client.get("/health/live");
    const metrics = await client.get("/metrics");
    assert.equal(metrics.status, 200);
    assert.match(String(metrics.headers["content-type"]), /^text\/plain; version=0\.0\.4/);
    assert.ok(!metrics.text.includes("synthetic-id-4711"));
    assert.equal(sample(metrics.text, "mamori_http_requests_total", { route: "/fhir/R4/:type/:id", method: "GET", status_class: "4xx" }), 1);
    assert.equal(sample(metrics.text, "mamori_http_requests_total", { route: "/health/live", status_class: "2xx" }), 1);
    assert.ok((sample(metrics.text, "mamori_http_request_duration_seconds_count", { route: "/health/live" }) ?? 0) >= 1);
  });

  it("reports audit group commits, the writer queue and, on PostgreSQL, the pool", async () => {
    await app.client().post("/api/auth/login", { email: "nobody@example.test", password: "wrong password here" });
    await app.mamori.audit.flush();
    const text = (await app.client().get("/metrics")).text;
    assert.ok((sample(text, "mamori_audit_batch_size_count") ?? 0) >= 1);
    assert.ok((sample(text, "mamori_audit_commit_seconds_count", { outcome: "committed" }) ?? 0) >= 1);
    assert.equal(sample(text, "mamori_audit_queue_depth"), 0);
    if (app.mamori.db.kind === "postgresql") assert.ok((sample(text, "mamori_db_pool_connections", { state: "total" }) ?? 0) >= 1);
    else assert.equal(sample(text, "mamori_db_pool_connections", { state: "total" }), undefined);
  });

  it("counts rate-limit refusals by class and request-inspection blocks by family", async () => {
    const client = app.client();
    for (let n = 0; n < 5; n++) await client.post("/api/auth/login", { email: `guess${n}@example.test`, password: "wrong password here" });
    const blocked = await client.get("/api/session?q=1%27%20UNION%20SELECT%20password%20FROM%20account--");
    assert.equal(blocked.status, 403);
    const text = (await client.get("/metrics")).text;
    assert.ok((sample(text, "mamori_rate_limit_refusals_total", { class: "auth" }) ?? 0) >= 2);
    assert.ok((sample(text, "mamori_waf_blocks_total", { family: "sqli" }) ?? 0) >= 1);
  });

  it("counts IDS alerts by rule and severity", async () => {
    await app.mamori.audit.record({ action: "access.break_glass", outcome: "success", actor: { accountId: "metrics-doctor", roles: ["doctor"] }, patientId: "metrics-patient", network: { ip: "127.0.0.1", userAgent: "test" } });
    let text = "";
    // The engine follows the trail in the background: poll, bounded.
    for (let tries = 0; tries < 80 && sample(text, "mamori_ids_alerts_total", { rule: "break_glass" }) === undefined; tries++) {
      if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      text = (await app.client().get("/metrics")).text;
    }
    const rule = app.mamori.ids.rules.find((candidate) => candidate.id === "break_glass")!;
    assert.equal(sample(text, "mamori_ids_alerts_total", { rule: "break_glass", severity: rule.severity }), 1);
  });
});

// A reverse proxy on the same host makes every client a loopback peer: loopback alone must not open the metrics.
describe("metrics with no network or token configured", () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it("refuses a loopback caller without a token as not found, as it does everyone", async () => {
    const client = app.client();
    assert.equal((await client.get("/metrics")).status, 404);
    assert.equal((await client.get("/metrics", { authorization: "Bearer anything-at-all-0123456789abcdef0123" })).status, 404);
    const proxied = await app.mamori.app.inject({ method: "GET", url: "/metrics", remoteAddress: "::1" });
    assert.equal(proxied.statusCode, 404);
  });
});

describe("metrics access", () => {
  const token = "metrics-token-0123456789abcdef0123456789";
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ env: { MAMORI_METRICS_NETWORKS: "192.0.2.0/24", MAMORI_METRICS_TOKEN: token } });
  });
  after(() => app.close());

  it("refuses a peer outside the configured networks as not found, and opens to the bearer token", async () => {
    const client = app.client();
    assert.equal((await client.get("/metrics")).status, 404);
    assert.equal((await client.get("/metrics", { authorization: "Bearer not-the-token" })).status, 404);
    const opened = await client.get("/metrics", { authorization: `Bearer ${token}` });
    assert.equal(opened.status, 200);
    assert.match(opened.text, /mamori_http_requests_total/);
  });
});

describe("trusted proxies", () => {
  async function signInAddress(env: Record<string, string>): Promise<string | undefined> {
    const app = await startTestApp({ env });
    try {
      const client = app.client();
      const forwarded = { "x-forwarded-for": "198.51.100.23, 203.0.113.9" };
      await client.post("/api/auth/login", { email: "nobody@example.test", password: "wrong password here" }, { headers: forwarded });
      const entry = (await auditEntries(app)).find((candidate) => candidate.action.startsWith("auth."));
      return entry?.network?.ip;
    } finally {
      await app.close();
    }
  }

  it("ignores X-Forwarded-For from a peer that is not a configured proxy", async () => {
    assert.equal(await signInAddress({ MAMORI_TRUSTED_PROXIES: "192.0.2.10" }), "127.0.0.1");
    assert.equal(await signInAddress({}), "127.0.0.1");
  });

  it("takes the right-most address that is not itself a trusted proxy from a configured proxy", async () => {
    // 203.0.113.9 is a trusted proxy hop too, so the client is the entry before it; a client-written left part is not believed.
    assert.equal(await signInAddress({ MAMORI_TRUSTED_PROXIES: "127.0.0.1,203.0.113.0/24" }), "198.51.100.23");
    assert.equal(await signInAddress({ MAMORI_TRUSTED_PROXIES: "127.0.0.1" }), "203.0.113.9");
  });
});
