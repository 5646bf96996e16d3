import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock } from "../src/kernel/index.js";
import { startTestApp, type TestApp, type TestClient, type TestResponse } from "../src/testing/index.js";

type Entry = { action: string; outcome: string; reasonCode?: string; actor: { accountId?: string }; resource?: { type: string; id?: string } };

async function auditEntries(app: TestApp): Promise<Entry[]> {
  const rows = await app.mamori.db.kysely.withTables<{ audit_entry: { seq: number; entry: Entry } }>().selectFrom("audit_entry").select("entry").orderBy("seq").execute();
  return rows.map((row) => row.entry);
}

/** What a client can see of a refusal: status, code and wait. */
function answerOf(response: TestResponse): [number, string | undefined, string | undefined] {
  return [response.status, response.json?.code, response.headers["retry-after"] as string | undefined];
}

// The progressive delay never exceeds a minute, so waiting 61 s between attempts only ever meets the lock.
const pastAnyDelay = 61_000;

// AUTH-4: brute-force protection on every sign-in step, per account and per client IP.
describe("sign-in brute-force protection", () => {
  const clock = createManualClock();
  let app: TestApp;
  before(async () => {
    // The per-IP limit is raised out of the way here; it has its own app below.
    app = await startTestApp({ clock, env: { MAMORI_LOCKOUT_IP_THRESHOLD: "100000" } });
  });
  after(() => app.close());

  async function failPassword(client: TestClient, email: string): Promise<TestResponse> {
    return client.post("/api/auth/login", { email, password: "not the right password at all" });
  }

  it("locks the account after 10 failures, refusing even the right password with 429 and Retry-After", async () => {
    const doctor = await app.signedInUser("doctor");
    const client = app.client();
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      clock.advance(pastAnyDelay);
      assert.equal((await failPassword(client, doctor.email)).json.code, "identity.invalid_credentials");
    }
    clock.advance(pastAnyDelay);
    const refused = await client.post("/api/auth/login", { email: doctor.email, password: doctor.password });
    assert.equal(refused.status, 429);
    assert.equal(refused.json.code, "identity.sign_in_locked");
    assert.equal(Number(refused.headers["retry-after"]), 15 * 60 - 61);
    const lockouts = (await auditEntries(app)).filter((entry) => entry.action === "auth.lockout" && entry.resource?.id === doctor.accountId);
    assert.equal(lockouts.length, 1);
    assert.equal(lockouts[0]?.reasonCode, "identity.account_locked");
  });

  it("lifts the lock when its time has passed", async () => {
    const doctor = await app.signedInUser("doctor");
    const client = app.client();
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      clock.advance(pastAnyDelay);
      await failPassword(client, doctor.email);
    }
    clock.advance(14 * 60_000);
    assert.equal((await client.post("/api/auth/login", { email: doctor.email, password: doctor.password })).status, 429);
    clock.advance(60_000);
    const login = await client.post("/api/auth/login", { email: doctor.email, password: doctor.password });
    assert.equal(login.status, 200);
    assert.equal(login.json.stage, "mfa_required");
  });

  it("makes each failure beyond the first five wait longer before the next attempt, without sleeping", async () => {
    const doctor = await app.signedInUser("doctor");
    const client = app.client();
    for (let attempt = 1; attempt <= 5; attempt += 1) assert.equal((await failPassword(client, doctor.email)).status, 401);
    assert.equal((await failPassword(client, doctor.email)).status, 401);
    // Sixth failure: 1 s; seventh: 2 s.
    assert.deepEqual(answerOf(await failPassword(client, doctor.email)), [429, "identity.sign_in_delayed", "1"]);
    clock.advance(1000);
    assert.equal((await failPassword(client, doctor.email)).status, 401);
    assert.deepEqual(answerOf(await client.post("/api/auth/login", { email: doctor.email, password: doctor.password })), [429, "identity.sign_in_delayed", "2"]);
    clock.advance(2000);
    assert.equal((await client.post("/api/auth/login", { email: doctor.email, password: doctor.password })).status, 200);
  });

  it("answers an unknown e-mail address exactly like a real account, with comparable work", async () => {
    const doctor = await app.signedInUser("doctor");
    const unknown = `nobody-${Date.now()}@example.test`;
    const timings: Record<string, number[]> = { known: [], unknown: [] };
    const answers: Record<string, Array<ReturnType<typeof answerOf>>> = { known: [], unknown: [] };
    for (let attempt = 1; attempt <= 11; attempt += 1) {
      clock.advance(pastAnyDelay);
      for (const [name, email] of [["known", doctor.email], ["unknown", unknown]] as const) {
        const started = performance.now();
        const response = await failPassword(app.client(), email);
        timings[name]!.push(performance.now() - started);
        answers[name]!.push(answerOf(response));
      }
    }
    assert.deepEqual(answers["unknown"], answers["known"]);
    assert.deepEqual(answers["known"]!.at(-1)?.slice(0, 2), [429, "identity.sign_in_locked"]);
    // Both paths run argon2id (the unknown one against a decoy hash): without the decoy the unknown path would
    // answer in a small fraction of the time.
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const ratio = median(timings["unknown"]!.slice(0, 10)) / median(timings["known"]!.slice(0, 10));
    assert.ok(ratio > 0.3, `unknown/known time ratio ${ratio.toFixed(2)}`);
  });

  it("counts wrong second-factor codes against the account too", async () => {
    const doctor = await app.signedInUser("doctor");
    let client = app.client();
    let failures = 0;
    while (failures < 10) {
      clock.advance(pastAnyDelay);
      if ((await client.get("/api/session")).json.stage !== "mfa_required") {
        client = app.client();
        const login = await client.post("/api/auth/login", { email: doctor.email, password: doctor.password });
        assert.equal(login.status, 200);
        continue;
      }
      const refused = await client.post("/api/auth/totp/verify", { code: "000000" === (await doctor.totpCode()) ? "111111" : "000000" });
      assert.equal(refused.status, 401);
      failures += 1;
    }
    clock.advance(pastAnyDelay);
    assert.equal((await app.client().post("/api/auth/login", { email: doctor.email, password: doctor.password })).json.code, "identity.sign_in_locked");
  });

  it("forgets the failures after a complete sign-in", async () => {
    const doctor = await app.signedInUser("doctor");
    const client = app.client();
    for (let attempt = 1; attempt <= 9; attempt += 1) {
      clock.advance(pastAnyDelay);
      await failPassword(client, doctor.email);
    }
    clock.advance(pastAnyDelay);
    assert.equal((await client.post("/api/auth/login", { email: doctor.email, password: doctor.password })).status, 200);
    assert.equal((await client.post("/api/auth/totp/verify", { code: await doctor.totpCode() })).json.stage, "active");
    // Nine more failures do not lock: the count started again.
    for (let attempt = 1; attempt <= 9; attempt += 1) {
      clock.advance(pastAnyDelay);
      assert.equal((await failPassword(app.client(), doctor.email)).status, 401);
    }
  });

  it("lets an administrator or the security officer unlock an account, audited; others are refused", async () => {
    const doctor = await app.signedInUser("doctor");
    const admin = await app.signedInUser("admin");
    const officer = await app.signedInUser("security_officer");
    const other = await app.signedInUser("doctor");
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      clock.advance(pastAnyDelay);
      await failPassword(app.client(), doctor.email);
    }
    clock.advance(pastAnyDelay);
    // Sessions of the helpers may have gone idle while the clock moved; sign them in again.
    for (const user of [admin, officer, other]) {
      assert.equal((await user.client.post("/api/auth/login", { email: user.email, password: user.password })).status, 200);
      assert.equal((await user.client.post("/api/auth/totp/verify", { code: await user.totpCode() })).json.stage, "active");
    }
    assert.equal((await other.client.post(`/api/admin/accounts/${doctor.accountId}/unlock`)).status, 403);
    assert.equal((await app.client().post("/api/auth/login", { email: doctor.email, password: doctor.password })).status, 429);
    assert.equal((await officer.client.post(`/api/admin/accounts/${doctor.accountId}/unlock`)).status, 204);
    assert.equal((await app.client().post("/api/auth/login", { email: doctor.email, password: doctor.password })).status, 200);
    assert.equal((await admin.client.post(`/api/admin/accounts/00000000-0000-4000-8000-000000000000/unlock`)).status, 404);

    const unlocks = (await auditEntries(app)).filter((entry) => entry.action === "auth.unlock" && entry.resource?.id === doctor.accountId);
    assert.deepEqual(
      unlocks.map((entry) => [entry.outcome, entry.actor.accountId]),
      [
        ["denied", other.accountId],
        ["success", officer.accountId],
      ],
    );
  });
});

describe("sign-in throttling per client IP", () => {
  const clock = createManualClock();
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ clock, env: { MAMORI_LOCKOUT_IP_THRESHOLD: "12" } });
  });
  after(() => app.close());

  it("locks an address that fails across many accounts, even for an account it never tried (password spraying)", async () => {
    const doctor = await app.signedInUser("doctor");
    for (let account = 1; account <= 12; account += 1) {
      clock.advance(pastAnyDelay);
      const response = await app.client().post("/api/auth/login", { email: `sprayed-${account}@example.test`, password: "Spring2026!Spring2026!" });
      assert.equal(response.json.code, "identity.invalid_credentials");
    }
    clock.advance(pastAnyDelay);
    const refused = await app.client().post("/api/auth/login", { email: doctor.email, password: doctor.password });
    assert.equal(refused.status, 429);
    assert.equal(refused.json.code, "identity.sign_in_locked");
    const lockouts = (await auditEntries(app)).filter((entry) => entry.action === "auth.lockout" && entry.reasonCode === "identity.ip_locked");
    assert.equal(lockouts.length, 1);
    clock.advance(15 * 60_000);
    assert.equal((await app.client().post("/api/auth/login", { email: doctor.email, password: doctor.password })).status, 200);
  });
});

/** A password attempt from another client address (the test clients all connect from 127.0.0.1). */
async function loginFrom(app: TestApp, remoteAddress: string, email: string, password: string): Promise<{ status: number; code: string | undefined }> {
  const response = await app.mamori.app.inject({
    method: "POST",
    url: "/api/auth/login",
    remoteAddress,
    headers: { origin: app.baseUrl, "content-type": "application/json" },
    payload: JSON.stringify({ email, password }),
  });
  return { status: response.statusCode, code: (response.json() as { code?: string }).code };
}

// AUTH-4 without a denial of service: whoever knows a staff e-mail address must not be able to keep its owner out
// (OWASP Authentication Cheat Sheet, "account lockout" used as a denial of service).
describe("sign-in lockout that a third party cannot use against the owner", () => {
  const clock = createManualClock();
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ clock, env: { MAMORI_LOCKOUT_IP_THRESHOLD: "100000", MAMORI_LOCKOUT_ACCOUNT_THRESHOLD: "20" } });
  });
  after(() => app.close());

  async function signInCompletely(user: { email: string; password: string; totpCode(): Promise<string> }): Promise<void> {
    const client = app.client();
    const login = await client.post("/api/auth/login", { email: user.email, password: user.password });
    assert.equal(login.status, 200, login.text);
    assert.equal((await client.post("/api/auth/totp/verify", { code: await user.totpCode() })).json.stage, "active");
  }

  it("locks out only the address that keeps failing; the owner signs in from theirs, again and again", async () => {
    const doctor = await app.signedInUser("doctor");
    const attacker = "198.51.100.7";
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      clock.advance(pastAnyDelay);
      assert.equal((await loginFrom(app, attacker, doctor.email, "guessing the password")).code, "identity.invalid_credentials");
    }
    for (let round = 0; round < 3; round += 1) {
      clock.advance(pastAnyDelay);
      assert.deepEqual(await loginFrom(app, attacker, doctor.email, doctor.password), { status: 429, code: "identity.sign_in_locked" }, "even the right password, from the locked address");
      await signInCompletely(doctor);
      // The attacker waits the lock out and fails again: that address is locked again, the owner is not.
      clock.advance(15 * 60_000);
      assert.equal((await loginFrom(app, attacker, doctor.email, "guessing the password")).code, "identity.invalid_credentials");
    }
    const lockouts = (await auditEntries(app)).filter((entry) => entry.action === "auth.lockout" && entry.resource?.id === doctor.accountId);
    assert.ok(lockouts.length >= 1 && lockouts.every((entry) => entry.reasonCode === "identity.account_locked"));
  });

  it("caps guessing from many addresses with one account-wide lock whose end further failures do not move", async () => {
    const doctor = await app.signedInUser("doctor");
    const addresses = ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"];
    // Five failures from each of four addresses: no address reaches its own lock, the account reaches 20.
    for (const address of addresses) for (let attempt = 1; attempt <= 5; attempt += 1) await loginFrom(app, address, doctor.email, "guessing the password");
    const lockedAt = clock.now().getTime();
    const refused = await app.client().post("/api/auth/login", { email: doctor.email, password: doctor.password });
    assert.deepEqual([refused.status, refused.json.code, refused.headers["retry-after"]], [429, "identity.sign_in_locked", String(15 * 60)]);
    const lockouts = (await auditEntries(app)).filter((entry) => entry.action === "auth.lockout" && entry.resource?.id === doctor.accountId);
    assert.deepEqual(lockouts.map((entry) => entry.reasonCode), ["identity.account_locked_all_addresses"]);

    // Attempts from new addresses all through the lock are refused and do not extend it.
    for (let minute = 1; minute <= 14; minute += 1) {
      clock.advance(60_000);
      assert.equal((await loginFrom(app, `203.0.113.${100 + minute}`, doctor.email, "guessing the password")).status, 429);
    }
    clock.advance(lockedAt + 15 * 60_000 - clock.now().getTime());
    // One more failure after the lock does not lock the account again: the count started afresh.
    assert.equal((await loginFrom(app, "203.0.113.200", doctor.email, "guessing the password")).code, "identity.invalid_credentials");
    await signInCompletely(doctor);
  });
});
