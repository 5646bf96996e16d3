import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock } from "../src/kernel/index.js";
import { buildPatient, startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";

type Entry = { action: string; outcome: string; reasonCode?: string; actor: { accountId?: string }; resource?: { type: string; id?: string } };

async function auditEntries(app: TestApp): Promise<Entry[]> {
  const rows = await app.mamori.db.kysely.withTables<{ audit_entry: { seq: number; entry: Entry } }>().selectFrom("audit_entry").select("entry").orderBy("seq").execute();
  return rows.map((row) => row.entry);
}

const dayMs = 86_400_000;

// AUTH-6 (account lifecycle) and AUTH-7 (dormant accounts).
describe("account lifecycle", () => {
  const clock = createManualClock();
  let app: TestApp;
  let admin: SignedInUser;
  const deactivated: string[] = [];
  before(async () => {
    app = await startTestApp({ clock });
    admin = await app.signedInUser("admin");
    app.mamori.identity.lifecycle.onDeactivated(async ({ accountId }) => {
      deactivated.push(accountId);
    });
  });
  after(() => app.close());

  async function signInAgain(user: SignedInUser): Promise<void> {
    clock.advance(30_000);
    const login = await user.client.post("/api/auth/login", { email: user.email, password: user.password });
    assert.equal(login.status, 200, login.text);
    const verified = await user.client.post("/api/auth/totp/verify", { code: await user.totpCode() });
    assert.equal(verified.json.stage, "active");
  }

  it("ends every session of a deactivated account at once and tells the deactivation listeners", async () => {
    const doctor = await app.signedInUser("doctor");
    const created = await doctor.client.post("/fhir/R4/Patient", buildPatient(), { contentType: "application/fhir+json" });
    const patientPath = `/fhir/R4/Patient/${created.json.id}`;
    const second = { ...doctor, client: app.client() };
    await signInAgain(second);
    assert.equal((await second.client.get(patientPath)).status, 200);

    assert.equal((await admin.client.post(`/api/admin/accounts/${doctor.accountId}/deactivate`)).status, 204);
    assert.equal((await doctor.client.get(patientPath)).status, 401);
    assert.equal((await second.client.get(patientPath)).status, 401);
    const login = await app.client().post("/api/auth/login", { email: doctor.email, password: doctor.password });
    assert.equal(login.json.code, "identity.invalid_credentials");
    assert.deepEqual(deactivated, [doctor.accountId]);

    const ended = await app.mamori.db.kysely
      .withTables<{ session_web: { account_id: string; ended_at: Date | null; end_reason: string | null } }>()
      .selectFrom("session_web")
      .select(["ended_at", "end_reason"])
      .where("account_id", "=", doctor.accountId)
      .execute();
    assert.ok(ended.every((row) => row.ended_at !== null));
    const entry = (await auditEntries(app)).find((e) => e.action === "identity.deactivate" && e.resource?.id === doctor.accountId);
    assert.deepEqual([entry?.outcome, entry?.actor.accountId], ["success", admin.accountId]);
  });

  it("reactivates an account, which can then sign in again", async () => {
    const doctor = await app.signedInUser("doctor");
    assert.equal((await admin.client.post(`/api/admin/accounts/${doctor.accountId}/deactivate`)).status, 204);
    assert.equal((await admin.client.post(`/api/admin/accounts/${doctor.accountId}/reactivate`)).status, 204);
    await signInAgain(doctor);
    assert.ok((await auditEntries(app)).some((e) => e.action === "identity.reactivate" && e.resource?.id === doctor.accountId && e.outcome === "success"));
  });

  it("refuses lifecycle changes to anyone but an administrator, and audits the refusal", async () => {
    const doctor = await app.signedInUser("doctor");
    const officer = await app.signedInUser("security_officer");
    for (const user of [doctor, officer]) {
      assert.equal((await user.client.post(`/api/admin/accounts/${admin.accountId}/deactivate`)).status, 403);
      assert.equal((await user.client.request("PUT", `/api/admin/accounts/${user.accountId}/roles`, { body: { roles: ["admin"] } })).status, 403);
    }
    const denied = (await auditEntries(app)).filter((e) => e.outcome === "denied" && (e.action === "identity.deactivate" || e.action === "identity.roles_change"));
    assert.equal(denied.length, 4);
  });

  it("changes roles with effect on the next request, and never gives a patient account a role", async () => {
    const doctor = await app.signedInUser("doctor");
    const changed = await admin.client.request("PUT", `/api/admin/accounts/${doctor.accountId}/roles`, { body: { roles: ["doctor", "nurse"] } });
    assert.equal(changed.status, 204);
    assert.deepEqual((await doctor.client.get("/api/session")).json.account.roles, ["doctor", "nurse"]);
    const entry = (await auditEntries(app)).find((e) => e.action === "identity.roles_change" && e.resource?.id === doctor.accountId);
    assert.equal(entry?.reasonCode, "roles:doctor>doctor+nurse");

    const clinician = await app.signedInUser("doctor");
    // Registered with an e-mail, so no reception account is needed to record one (it would be dormant too).
    const created = await clinician.client.post("/fhir/R4/Patient", buildPatient({ email: "dormant-patient@example.test" }), { contentType: "application/fhir+json" });
    const patient = await app.signedInPatient(clinician, created.json.id as string, { email: "dormant-patient@example.test" });
    const refused = await admin.client.request("PUT", `/api/admin/accounts/${patient.accountId}/roles`, { body: { roles: ["doctor"] } });
    assert.equal(refused.status, 422);
    assert.equal(refused.json.code, "identity.patient_account_roles");
    assert.equal((await admin.client.request("PUT", `/api/admin/accounts/${doctor.accountId}/roles`, { body: { roles: ["patient"] } })).status, 400);
  });

  it("never leaves the service without an active administrator", async () => {
    const other = await app.signedInUser("admin");
    // Two administrators: one may be disabled, after which the other can be neither disabled nor demoted (not even
    // on request: a change that could never be applied is refused before it waits for approval).
    assert.equal((await admin.client.post(`/api/admin/accounts/${other.accountId}/deactivate`)).status, 204);
    const demote = app.mamori.identity.roleChanges.change(
      { accountId: other.accountId, roles: ["admin"], sessionId: "test", network: { ip: "127.0.0.1", userAgent: "test" } },
      admin.accountId,
      ["security_officer"],
    );
    await assert.rejects(demote, { code: "identity.last_administrator" });
    assert.equal((await admin.client.post(`/api/admin/accounts/${admin.accountId}/deactivate`)).json.code, "identity.last_administrator");
    assert.equal((await admin.client.request("PUT", `/api/admin/accounts/${admin.accountId}/roles`, { body: { roles: ["admin", "security_officer"] } })).json.code, "identity.own_roles");
    assert.deepEqual((await app.mamori.identity.accounts.get(admin.accountId))?.roles, ["admin"]);
  });

  it("answers 404 for an account that does not exist", async () => {
    const missing = await admin.client.post("/api/admin/accounts/00000000-0000-4000-8000-000000000000/deactivate");
    assert.equal(missing.status, 404);
  });
});

describe("dormant-account sweep", () => {
  const clock = createManualClock();
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ clock, env: { MAMORI_DORMANT_DAYS: "90" } });
  });
  after(() => app.close());

  it("disables staff accounts without a sign-in for 90 days, counting from creation when never signed in, and keeps the last administrator", async () => {
    const admin = await app.signedInUser("admin");
    const idle = await app.signedInUser("doctor");
    const busy = await app.signedInUser("doctor");
    // Invited and accepted but never completed a sign-in.
    const issued = await app.mamori.identity.invitations.invite(
      { accountId: admin.accountId, roles: ["admin"], sessionId: "test", network: { ip: "127.0.0.1", userAgent: "test" } },
      { email: "never@example.test", role: "doctor" },
    );
    const accepted = await app.client().post("/api/invitations/accept", { token: issued.token, email: "never@example.test", displayName: "試験", password: "quiet harbour lantern tides" });
    assert.equal(accepted.status, 200);
    const neverId = accepted.json.account.id as string;
    const clinician = await app.signedInUser("doctor");
    // Registered with an e-mail, so no reception account is needed to record one (it would be dormant too).
    const created = await clinician.client.post("/fhir/R4/Patient", buildPatient({ email: "dormant-patient@example.test" }), { contentType: "application/fhir+json" });
    const patient = await app.signedInPatient(clinician, created.json.id as string, { email: "dormant-patient@example.test" });

    clock.advance(89 * dayMs);
    assert.deepEqual(await app.mamori.identity.lifecycle.runDormantSweep(clock.now()), []);
    clock.advance(30_000);
    const login = await busy.client.post("/api/auth/login", { email: busy.email, password: busy.password });
    assert.equal((await busy.client.post("/api/auth/totp/verify", { code: await busy.totpCode() })).json.stage, "active", login.text);

    clock.advance(2 * dayMs);
    const disabled = await app.mamori.identity.lifecycle.runDormantSweep(clock.now());
    assert.deepEqual(new Set(disabled), new Set([idle.accountId, neverId, clinician.accountId]));
    assert.equal(disabled.includes(admin.accountId), false);
    assert.equal(disabled.includes(patient.accountId), false);
    assert.equal((await app.client().post("/api/auth/login", { email: idle.email, password: idle.password })).status, 401);

    const entries = (await app.mamori.db.kysely.withTables<{ audit_entry: { seq: number; entry: Entry } }>().selectFrom("audit_entry").select("entry").execute()).map((row) => row.entry);
    const sweeps = entries.filter((e) => e.action === "identity.dormant_disable");
    assert.deepEqual(new Set(sweeps.map((e) => e.resource?.id)), new Set(disabled));
    assert.ok(sweeps.every((e) => e.reasonCode === "identity.dormant" && e.actor.accountId === undefined));
    // A second sweep finds nothing more to do.
    assert.deepEqual(await app.mamori.identity.lifecycle.runDormantSweep(clock.now()), []);
  });

  it("does not disable a reactivated account again before another full period", async () => {
    const admin = await app.signedInUser("admin");
    const doctor = await app.signedInUser("doctor");
    clock.advance(91 * dayMs);
    const swept = await app.mamori.identity.lifecycle.runDormantSweep(clock.now());
    assert.ok(swept.includes(doctor.accountId));
    const principal = { accountId: admin.accountId, roles: ["admin"] as const, sessionId: "test", network: { ip: "127.0.0.1", userAgent: "test" } };
    await app.mamori.identity.lifecycle.reactivate(principal, doctor.accountId);
    clock.advance(dayMs);
    assert.equal((await app.mamori.identity.lifecycle.runDormantSweep(clock.now())).includes(doctor.accountId), false);
  });
});
