import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock } from "../src/kernel/index.js";
import { reachableRedisUrl, redisSkipReason, startTestApp, type SignedInUser, type TestApp, type TestClient } from "../src/testing/index.js";

const redisUrl = await reachableRedisUrl();
// Counters kept in Redis outlive a run: each app starts at a time of its own, so its windows are its own.
const uniqueClock = () => createManualClock(new Date(Date.UTC(2031, 0, 1) + Math.floor(Math.random() * 1e9) * 60_000));

/** A request as if from another address, carrying a client's session cookie. */
function fromAddress(app: TestApp, remoteAddress: string, method: "GET" | "POST", url: string, options: { client?: TestClient; body?: unknown; language?: string } = {}) {
  const cookie = options.client ? [...options.client.cookies].map(([name, value]) => `${name}=${value}`).join("; ") : undefined;
  return app.mamori.app.inject({
    method,
    url,
    remoteAddress,
    headers: {
      "accept-language": options.language ?? "ja",
      ...(cookie ? { cookie } : {}),
      ...(method === "POST" ? { origin: app.baseUrl, "content-type": "application/json" } : {}),
    },
    ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
  });
}

// NET-1 (denial of service, scraping) and AUTH-7 (password guessing): request budgets per address, per account and
// on the authentication endpoints, with the IETF RateLimit fields and 429 + Retry-After beyond them.
describe("rate limits over HTTP", () => {
  const clock = uniqueClock();
  let app: TestApp;
  let doctor: SignedInUser;
  let nurse: SignedInUser;
  let admin: SignedInUser;
  before(async () => {
    app = await startTestApp({ clock, env: { MAMORI_RATE_LIMIT_IP: "1000/60s", MAMORI_RATE_LIMIT_ACCOUNT: "8/60s", MAMORI_RATE_LIMIT_AUTH: "20/60s" } });
    admin = await app.signedInUser("admin");
    doctor = await app.signedInUser("doctor");
    nurse = await app.signedInUser("doctor");
  });
  after(() => app.close());

  /** Moves the clock to the start of the next minute, where every window of this app begins afresh. */
  function nextWindow(): void {
    clock.advance(60_000 - (clock.now().getTime() % 60_000));
  }

  it("describes the address and account limits in RateLimit-Policy and their state in RateLimit", async () => {
    nextWindow();
    clock.advance(15_000);
    const response = await doctor.client.get("/api/session");
    assert.equal(response.status, 200);
    assert.equal(response.headers["ratelimit-policy"], `"ip";q=1000;w=60, "account";q=8;w=60`);
    assert.match(String(response.headers["ratelimit"]), /^"ip";r=\d+;t=45, "account";r=7;t=45$/);
    const page = await doctor.client.get("/");
    assert.equal(page.headers["ratelimit-policy"], undefined, "the web UI's files are not counted");
  });

  it("refuses an account over its limit with 429 and Retry-After from any address, while another account goes on", async () => {
    nextWindow();
    clock.advance(20_000);
    for (let n = 0; n < 8; n += 1) assert.equal((await doctor.client.get("/api/session")).status, 200);
    const refused = await doctor.client.get("/fhir/R4/Patient/00000000-0000-4000-8000-000000000000", { "accept-language": "en" });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers["retry-after"], "40");
    assert.match(String(refused.headers["ratelimit"]), /"account";r=0;t=40/);
    assert.equal(refused.json.resourceType, "OperationOutcome");
    assert.equal(refused.json.issue[0].code, "throttled");
    assert.equal(refused.json.issue[0].details.coding[0].code, "http.rate_limited");
    assert.match(refused.json.issue[0].details.text, /Too many requests/);

    const elsewhere = await fromAddress(app, "203.0.113.50", "GET", "/api/session", { client: doctor.client });
    assert.equal(elsewhere.statusCode, 429, "the account's budget follows it to another address");
    assert.equal(elsewhere.json().code, "http.rate_limited");
    assert.match(elsewhere.json().message, /しばらく待って/);
    assert.equal((await nurse.client.get("/api/session")).status, 200, "another account at the same address is not affected");

    clock.advance(40_000);
    assert.equal((await doctor.client.get("/api/session")).status, 200, "the next window serves the account again");
  });

  it("audits an over-limit account once per window, however often it retries", async () => {
    nextWindow();
    for (let n = 0; n < 12; n += 1) await nurse.client.get("/api/session");
    nextWindow();
    const page = await admin.client.get(`/api/audit/entries?action=defence.rate_limited&accountId=${nurse.accountId}`);
    assert.equal(page.status, 200);
    const entries = page.json.entries as Array<{ outcome: string; reasonCode: string }>;
    assert.equal(entries.length, 1);
    assert.deepEqual([entries[0]!.outcome, entries[0]!.reasonCode], ["denied", "rate_limit.account"]);
  });

  it("holds one address to the stricter authentication limit, leaving other addresses free (AUTH-7)", async () => {
    nextWindow();
    // A new e-mail each time: the per-account sign-in throttle (AUTH-4) must not be what answers here.
    let guess = 0;
    const attempt = (address: string) => fromAddress(app, address, "POST", "/api/auth/login", { body: { email: `nobody${(guess += 1)}@example.test`, password: "wrong password guess" } });
    for (let n = 0; n < 20; n += 1) assert.equal((await attempt("198.51.100.7")).statusCode, 401);
    const refused = await attempt("198.51.100.7");
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.headers["retry-after"], "60");
    assert.match(String(refused.headers["ratelimit-policy"]), /"auth";q=20;w=60/);
    assert.equal((await attempt("198.51.100.8")).statusCode, 401, "another address still reaches the sign-in check");
  });

  it("counts an IPv6 client per /64", async () => {
    nextWindow();
    const first = await fromAddress(app, "2001:db8:1:2::10", "GET", "/api/session");
    const second = await fromAddress(app, "2001:db8:1:2:ffff::99", "GET", "/api/session");
    assert.match(String(first.headers["ratelimit"]), /"ip";r=999;/);
    assert.match(String(second.headers["ratelimit"]), /"ip";r=998;/);
  });
});

describe("rate limits shared by two app instances", () => {
  async function twoInstances(shared: (first: TestApp) => Record<string, string>, env: Record<string, string>): Promise<[TestApp, TestApp]> {
    const clock = uniqueClock();
    const first = await startTestApp({ clock, env });
    try {
      return [first, await startTestApp({ clock, env: { ...env, ...shared(first) } })];
    } catch (error) {
      await first.close();
      throw error;
    }
  }

  async function assertOneCounter([first, second]: [TestApp, TestApp]): Promise<void> {
    const address = "192.0.2.77";
    for (let n = 0; n < 5; n += 1) assert.equal((await fromAddress(first, address, "GET", "/api/session")).statusCode, 200);
    for (let n = 0; n < 5; n += 1) assert.equal((await fromAddress(second, address, "GET", "/api/session")).statusCode, 200);
    assert.equal((await fromAddress(first, address, "GET", "/api/session")).statusCode, 429, "the eleventh request is refused by either instance");
    assert.equal((await fromAddress(second, address, "GET", "/api/session")).statusCode, 429);
  }

  it("sees one counter through one Redis", { skip: redisSkipReason(redisUrl) }, async () => {
    const apps = await twoInstances(() => ({}), { REDIS_URL: redisUrl!, MAMORI_RATE_LIMIT_IP: "10/60s" });
    try {
      await assertOneCounter(apps);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
  });

  it("sees one counter through one PostgreSQL database", { skip: process.env["DATABASE_URL"] ? false : "needs DATABASE_URL (PostgreSQL): PGlite serves one process" }, async () => {
    const apps = await twoInstances((first) => ({ DATABASE_URL: first.config.databaseUrl!, MAMORI_MASTER_KEY_FILE: first.config.masterKeyFile }), { MAMORI_RATE_LIMIT_IP: "10/60s" });
    try {
      await assertOneCounter(apps);
    } finally {
      await apps[1].close();
      await apps[0].close();
    }
  });
});
