import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import type { AuditEntry } from "../audit/index.js";
import { createManualClock, type Principal } from "../kernel/index.js";
import { startTestApp, type SignedInUser, type TestApp } from "../testing/index.js";

// NET-1 (automatic response to intrusion): each response takes effect on the real sessions and requests, is
// audited, and is reversed by the second factor, a new sign-in, or a security officer's lift.
describe("automatic responses", () => {
  const clock = createManualClock(new Date("2026-04-06T10:00:00+09:00"));
  let app: TestApp;
  let officerUser: SignedInUser;
  let officer: Principal;
  const network = { ip: "10.20.30.40", userAgent: "Mozilla/5.0" };

  const record = (entry: AuditEntry) => app.mamori.audit.record(entry);
  const evaluate = () => app.mamori.ids.engine.catchUp();
  const read = (accountId: string, patientId: string): AuditEntry => ({ action: "fhir.read", outcome: "success", actor: { accountId, roles: ["doctor"] }, patientId, resource: { type: "Patient", id: patientId }, network });
  const entriesOf = async (action: string) => {
    const { rows } = await sql<{ entry: AuditEntry }>`select entry from audit_entry where entry->>'action' = ${action} order by seq`.execute(app.mamori.db.kysely);
    return rows.map((row) => row.entry);
  };
  const signIn = async (user: SignedInUser) => {
    const client = app.client();
    const login = await client.post("/api/auth/login", { email: user.email, password: user.password });
    return { client, login };
  };

  before(async () => {
    app = await startTestApp({
      clock,
      env: {
        MAMORI_IDS_ENABLED: "false",
        MAMORI_IDS_BREAK_GLASS_RESPONSE: "lock_account",
        MAMORI_IDS_BREAK_GLASS_RESPONSE_MINUTES: "30",
        MAMORI_IDS_REPEATED_DENIALS_RESPONSE: "block_ip",
        MAMORI_IDS_REPEATED_DENIALS_RESPONSE_MINUTES: "60",
      },
    });
    officerUser = await app.signedInUser("security_officer");
    officer = { accountId: officerUser.accountId, roles: ["security_officer"], sessionId: "test", network: { ip: "127.0.0.1", userAgent: "test" } };
  });
  after(() => app.close());

  it("require_step_up sends the account's sessions back to the second factor, which restores them", async () => {
    const doctor = await app.signedInUser("doctor");
    assert.equal((await doctor.client.get("/api/session")).json.stage, "active");
    for (let n = 0; n < 31; n += 1) await record(read(doctor.accountId, `p-${n}`));
    await evaluate();
    assert.equal((await doctor.client.get("/api/session")).json.stage, "mfa_required");
    assert.equal((await doctor.client.get("/fhir/R4/Patient/p-1")).status, 401);
    const [response] = (await entriesOf("ids.response")).slice(-1);
    assert.equal(response?.reasonCode, "ids.require_step_up");
    clock.advance(31_000);
    const verified = await doctor.client.post("/api/auth/totp/verify", { code: await doctor.totpCode() });
    assert.equal(verified.json.stage, "active");
  });

  it("revoke_sessions ends the account's sessions; signing in again works", async () => {
    const doctor = await app.signedInUser("doctor");
    await record({ action: "oauth.refresh_reuse", outcome: "denied", actor: { accountId: doctor.accountId, client: "app" }, network });
    await evaluate();
    assert.equal((await doctor.client.get("/api/session")).json.stage, "anonymous");
    assert.equal((await entriesOf("ids.response")).at(-1)?.reasonCode, "ids.revoke_sessions");
    const { login } = await signIn(doctor);
    assert.equal(login.json.stage, "mfa_required");
  });

  it("lock_account stops the account's sessions and sign-in until a security officer lifts it", async () => {
    const doctor = await app.signedInUser("doctor");
    await record({ ...read(doctor.accountId, "er-1"), breakGlass: true });
    await evaluate();
    assert.equal((await doctor.client.get("/api/session")).json.stage, "anonymous");
    const refused = await signIn(doctor);
    assert.equal(refused.login.status, 403);
    assert.equal(refused.login.json.code, "defence.account_locked");

    const officerClient = (await signIn(officerUser)).client;
    clock.advance(31_000);
    await officerClient.post("/api/auth/totp/verify", { code: await officerUser.totpCode() });
    const listed = await officerClient.get("/api/security/restrictions");
    assert.equal(listed.status, 200);
    const lock = listed.json.restrictions.find((r: { kind: string; subject: string }) => r.kind === "account" && r.subject === doctor.accountId);
    assert.ok(lock, "the lock is listed");
    assert.equal(lock.reason, "break_glass");
    assert.equal((await doctor.client.get("/api/security/restrictions")).status, 401);
    assert.equal((await officerClient.post(`/api/security/restrictions/${lock.id}/lift`)).status, 204);
    assert.equal((await entriesOf("ids.restriction_lift")).at(-1)?.resource?.id, lock.id);
    const { login } = await signIn(doctor);
    assert.equal(login.json.stage, "mfa_required");
  });

  it("lock_account ends by itself when its time is up", async () => {
    const account = await app.signedInUser("doctor");
    clock.advance(3_600_000);
    await record({ action: "access.break_glass", outcome: "success", actor: { accountId: account.accountId }, patientId: "er-2", network });
    await evaluate();
    assert.equal((await signIn(account)).login.status, 403);
    clock.advance(31 * 60_000);
    assert.equal((await signIn(account)).login.json.stage, "mfa_required");
  });

  it("block_ip refuses the address early with defence.ip_blocked until lifted", async () => {
    const prober = randomUUID();
    for (let n = 0; n < 5; n += 1) {
      await record({ action: "fhir.read", outcome: "denied", reasonCode: "access.no_permission", actor: { accountId: prober }, patientId: `x-${n}`, network: { ip: "127.0.0.1", userAgent: "curl" } });
    }
    await evaluate();
    const blocked = await app.client().get("/fhir/R4/metadata");
    assert.equal(blocked.status, 403);
    assert.equal(blocked.json.resourceType, "OperationOutcome");
    assert.equal(blocked.json.issue[0].details.coding[0].code, "defence.ip_blocked");
    assert.equal((await app.client().get("/api/session")).json.code, "defence.ip_blocked");

    const [block] = (await app.mamori.ids.officer.activeRestrictions(officer)).filter((r) => r.kind === "ip");
    assert.equal(block?.subject, "127.0.0.1");
    await app.mamori.ids.officer.lift(officer, block!.id);
    assert.equal((await app.client().get("/fhir/R4/metadata")).status, 200);
  });

  it("block_ip ends by itself when its time is up", async () => {
    const prober = randomUUID();
    clock.advance(3_600_000);
    for (let n = 0; n < 5; n += 1) {
      await record({ action: "fhir.read", outcome: "denied", actor: { accountId: prober }, patientId: `y-${n}`, network: { ip: "127.0.0.1", userAgent: "curl" } });
    }
    await evaluate();
    assert.equal((await app.client().get("/fhir/R4/metadata")).status, 403);
    clock.advance(61 * 60_000);
    assert.equal((await app.client().get("/fhir/R4/metadata")).status, 200);
  });
});
