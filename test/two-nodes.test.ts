import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createManualClock } from "../src/kernel/index.js";
import { createTestClient, reachableRedisUrl, redisSkipReason, startTestApp, type SignedInUser, type TestApp, type TestClient, type TestResponse } from "../src/testing/index.js";
import { registerClient, relyingParty, signInThroughProvider } from "./oidc-helpers.js";

const redisUrl = await reachableRedisUrl();
const skip = !process.env["DATABASE_URL"] ? "needs DATABASE_URL (PostgreSQL): two nodes share one database server, which PGlite cannot be" : redisSkipReason(redisUrl);

// The progressive sign-in delay never exceeds a minute.
const pastAnyDelay = 61_000;

/**
 * Two nodes of one service on one PostgreSQL database and one Redis, with requests alternating between them: what a
 * browser or app sees must not depend on which node a load balancer picks.
 */
describe("two nodes behind one address", { skip }, () => {
  // Counters kept in Redis outlive a run: the nodes start at a time of their own, so their windows are their own.
  const clock = createManualClock(new Date(Date.UTC(2032, 0, 1) + Math.floor(Math.random() * 1e9) * 60_000));
  let a: TestApp;
  let b: TestApp;
  let admin: SignedInUser;

  before(async () => {
    const env = {
      REDIS_URL: redisUrl!,
      MAMORI_LOCKOUT_THRESHOLD: "3",
      MAMORI_RATE_LIMIT_ACCOUNT: "20/60s",
      MAMORI_IDS_REPEATED_DENIALS_RESPONSE: "lock_account",
      MAMORI_IDS_POLL_MS: "200",
    };
    a = await startTestApp({ clock, env });
    try {
      // One service: the same database, master key and public address (the proxy's) on both nodes.
      b = await startTestApp({ clock, env: { ...env, DATABASE_URL: a.config.databaseUrl!, MAMORI_MASTER_KEY_FILE: a.config.masterKeyFile, MAMORI_PUBLIC_URL: a.baseUrl } });
    } catch (error) {
      await a.close();
      throw error;
    }
    admin = await a.signedInUser("admin");
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });

  /** A client of node B carrying `user`'s cookies from node A; it sends the service's public origin, as a browser would. */
  function onB(user: { client: TestClient }) {
    const client = createTestClient(b.baseUrl, b.mamori.tls.cert);
    for (const [name, value] of user.client.cookies) client.cookies.set(name, value);
    return {
      get: (path: string, headers?: Record<string, string>) => client.get(path, headers),
      post: (path: string, body?: unknown) => client.post(path, body, { headers: { origin: a.baseUrl } }),
    };
  }

  it("serves a session created on A from B, and a sign-out on B ends it on A", async () => {
    const doctor = await a.signedInUser("doctor");
    const fromB = await onB(doctor).get("/api/session");
    assert.equal(fromB.status, 200, fromB.text);
    assert.equal(fromB.json.stage, "active");
    assert.equal(fromB.json.account.id, doctor.accountId);
    assert.equal((await onB(doctor).post("/api/auth/logout")).status, 204);
    const fromA = await doctor.client.get("/api/session");
    assert.notEqual(fromA.json?.stage, "active", fromA.text);
  });

  it("counts failed sign-ins of one account on both nodes towards one lockout", async () => {
    const nurse = await a.signedInUser("doctor");
    const login = (via: "a" | "b", password: string) => (via === "a" ? a.client().post("/api/auth/login", { email: nurse.email, password }) : onB({ client: b.client() }).post("/api/auth/login", { email: nurse.email, password }));
    for (const via of ["a", "b", "a"] as const) {
      clock.advance(pastAnyDelay);
      assert.equal((await login(via, "not the right password at all")).json.code, "identity.invalid_credentials");
    }
    clock.advance(pastAnyDelay);
    for (const via of ["b", "a"] as const) {
      const refused = await login(via, nurse.password);
      assert.equal(refused.status, 429, refused.text);
      assert.equal(refused.json.code, "identity.sign_in_locked");
    }
  });

  it("counts an account's requests on both nodes against one rate limit", async () => {
    const doctor = await a.signedInUser("doctor");
    const remaining: number[] = [];
    let refusedAt: "a" | "b" | undefined;
    for (let n = 0; n < 40 && !refusedAt; n += 1) {
      const via = n % 2 === 0 ? "a" : "b";
      const response: TestResponse = via === "a" ? await doctor.client.get("/api/session") : await onB(doctor).get("/api/session");
      if (response.status === 429) refusedAt = via;
      else remaining.push(Number(/"account";r=(\d+)/.exec(String(response.headers["ratelimit"]))?.[1]));
    }
    assert.ok(refusedAt, "the account limit was reached");
    remaining.forEach((value, index) => index > 0 && assert.equal(value, remaining[index - 1]! - 1, `one counter: ${remaining.join(",")}`));
    assert.ok(remaining.length < 20);
    const other = refusedAt === "a" ? await onB(doctor).get("/api/session") : await doctor.client.get("/api/session");
    assert.equal(other.status, 429, "the other node refuses too");
  });

  it("refuses a bearer token on both nodes once its grant is revoked on one", async () => {
    const doctor = await a.signedInUser("doctor");
    const rp = await relyingParty(a, await registerClient(admin));
    const tokens = await signInThroughProvider(doctor.client, rp, "openid offline_access user/*.cruds");
    const bearer = { authorization: `Bearer ${tokens.access_token}` };
    const unknownPatient = `/fhir/R4/Patient/${randomUUID()}`;
    assert.equal((await a.client().get(unknownPatient, bearer)).status, 404, "node A accepts the token");
    assert.equal((await b.client().get(unknownPatient, bearer)).status, 404, "node B accepts the token");
    assert.ok((await b.mamori.oidc.revokeAllGrantsOf(doctor.accountId, "identity.account_disabled")) >= 1);
    assert.equal((await a.client().get(unknownPatient, bearer)).status, 401);
    assert.equal((await b.client().get(unknownPatient, bearer)).status, 401);
  });

  it("lets an IDS lock made from denials on A refuse the sign-in on B", async () => {
    const doctor = await a.signedInUser("doctor");
    // A doctor asking for the key status again and again: each refusal is audited as denied (keys.status_read).
    for (let n = 0; n < 6; n += 1) assert.equal((await doctor.client.get("/api/admin/keys")).status, 403);
    let locked = false;
    for (const deadline = Date.now() + 20_000; !locked && Date.now() < deadline; ) {
      locked = await b.mamori.ids.checks.isAccountLocked(doctor.accountId);
      if (!locked) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(locked, "the repeated_denials rule locked the account");
    const signIn = await onB({ client: b.client() }).post("/api/auth/login", { email: doctor.email, password: doctor.password });
    assert.notEqual(signIn.json?.stage, "mfa_required", signIn.text);
    assert.ok(signIn.status >= 400, signIn.text);
    assert.notEqual((await onB(doctor).get("/api/session")).json?.stage, "active");
  });

  it("leaves one intact audit chain written by both nodes", async () => {
    await Promise.all([a.mamori.audit.flush(), b.mamori.audit.flush()]);
    const report = await b.mamori.audit.verify();
    assert.equal(report.intact, true, JSON.stringify(report));
    assert.ok(report.checked > 20, `${report.checked} entries`);
  });
});
