import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock } from "../src/kernel/index.js";
import { startTestApp, type SignedInUser, type TestApp, type TestClient } from "../src/testing/index.js";

type Entry = { action: string; outcome: string; reasonCode?: string; actor: { accountId?: string }; resource?: { type: string; id?: string } };

// SES-2: users see and end their own sessions; administrators those of any account.
describe("session lists", () => {
  const clock = createManualClock();
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ clock });
  });
  after(() => app.close());

  async function secondSession(user: SignedInUser, userAgent: string): Promise<TestClient> {
    const client = app.client();
    clock.advance(30_000);
    await client.post("/api/auth/login", { email: user.email, password: user.password }, { headers: { "user-agent": userAgent } });
    const verified = await client.post("/api/auth/totp/verify", { code: await user.totpCode() }, { headers: { "user-agent": userAgent } });
    assert.equal(verified.json.stage, "active");
    return client;
  }

  it("shows a user their open sessions with times, address and user agent, marking the current one", async () => {
    const doctor = await app.signedInUser("doctor");
    await secondSession(doctor, "Mozilla/5.0 (iPad; CPU OS 17_0)");
    const listed = await doctor.client.get("/api/account/sessions");
    assert.equal(listed.status, 200);
    assert.equal(listed.json.sessions.length, 2);
    const current = listed.json.sessions.filter((s: { isCurrent: boolean }) => s.isCurrent);
    assert.equal(current.length, 1);
    const other = listed.json.sessions.find((s: { isCurrent: boolean }) => !s.isCurrent);
    assert.equal(other.userAgent, "Mozilla/5.0 (iPad; CPU OS 17_0)");
    assert.equal(other.ip, "127.0.0.1");
    assert.equal(other.isSignedIn, true);
    assert.equal(other.createdAt, clock.now().getTime());
  });

  it("ends one of the user's sessions, and refuses another account's session as not found", async () => {
    const doctor = await app.signedInUser("doctor");
    const tablet = await secondSession(doctor, "tablet");
    const other = await app.signedInUser("doctor");
    const mine = (await doctor.client.get("/api/account/sessions")).json.sessions;
    const tabletId = mine.find((s: { isCurrent: boolean }) => !s.isCurrent).id as string;
    const theirs = (await other.client.get("/api/account/sessions")).json.sessions[0].id as string;

    assert.equal((await doctor.client.request("DELETE", `/api/account/sessions/${theirs}`)).status, 404);
    assert.equal((await other.client.get("/api/session")).json.stage, "active");
    assert.equal((await doctor.client.request("DELETE", `/api/account/sessions/${tabletId}`)).status, 204);
    assert.equal((await tablet.get("/api/session")).json.stage, "anonymous");
    assert.equal((await doctor.client.get("/api/session")).json.stage, "active");
  });

  it("logs out everywhere, the current session included", async () => {
    const doctor = await app.signedInUser("doctor");
    const tablet = await secondSession(doctor, "tablet");
    assert.equal((await doctor.client.post("/api/account/sessions/revoke-all")).status, 204);
    assert.equal((await tablet.get("/api/session")).json.stage, "anonymous");
    assert.equal((await doctor.client.get("/api/session")).json.stage, "anonymous");
  });

  it("lets an administrator see and end another account's sessions, audited; nobody else", async () => {
    const admin = await app.signedInUser("admin");
    const doctor = await app.signedInUser("doctor");
    const officer = await app.signedInUser("security_officer");
    const tablet = await secondSession(doctor, "tablet");

    assert.equal((await officer.client.get(`/api/admin/accounts/${doctor.accountId}/sessions`)).status, 403);
    assert.equal((await officer.client.request("DELETE", `/api/admin/accounts/${doctor.accountId}/sessions`)).status, 403);
    const listed = await admin.client.get(`/api/admin/accounts/${doctor.accountId}/sessions`);
    assert.equal(listed.status, 200);
    assert.equal(listed.json.sessions.length, 2);
    assert.ok(listed.json.sessions.every((s: { isCurrent: boolean }) => !s.isCurrent));

    const tabletId = listed.json.sessions.find((s: { userAgent: string }) => s.userAgent === "tablet").id as string;
    assert.equal((await admin.client.request("DELETE", `/api/admin/accounts/${doctor.accountId}/sessions/${tabletId}`)).status, 204);
    assert.equal((await tablet.get("/api/session")).json.stage, "anonymous");
    assert.equal((await admin.client.request("DELETE", `/api/admin/accounts/${doctor.accountId}/sessions`)).status, 204);
    assert.equal((await doctor.client.get("/api/session")).json.stage, "anonymous");

    const rows = await app.mamori.db.kysely.withTables<{ audit_entry: { seq: number; entry: Entry } }>().selectFrom("audit_entry").select("entry").orderBy("seq").execute();
    const trail = rows
      .map((r) => r.entry)
      .filter((e) => e.action.startsWith("auth.session") && (e.actor.accountId === admin.accountId || e.actor.accountId === officer.accountId))
      .map((e) => [e.action, e.outcome, e.actor.accountId === admin.accountId ? "admin" : "officer"]);
    assert.deepEqual(trail, [
      ["auth.sessions_read", "denied", "officer"],
      ["auth.session_revoke_all", "denied", "officer"],
      ["auth.sessions_read", "success", "admin"],
      ["auth.session_revoke", "success", "admin"],
      ["auth.session_revoke_all", "success", "admin"],
    ]);
  });
});
