import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AuditEntry } from "../src/audit/index.js";
import { createManualClock, type Principal } from "../src/kernel/index.js";
import { createPatient, startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";

type Entry = AuditEntry & { seq: number };

// ACC-2 (separation of duties) and AUTH-6: whatever gives someone future access (a role, a Practitioner link, an
// emergency grant) is an access decision of its own, audited as `access.grant` in the same transaction.
describe("grants of future access: roles, practitioner links, break-glass", () => {
  const clock = createManualClock();
  let app: TestApp;
  let admin: SignedInUser;
  let secondAdmin: SignedInUser;
  let thirdAdmin: SignedInUser;
  let officer: Principal;

  async function auditEntries(): Promise<Entry[]> {
    const rows = await app.mamori.db.kysely.withTables<{ audit_entry: { seq: number; entry: AuditEntry } }>().selectFrom("audit_entry").select(["seq", "entry"]).orderBy("seq").execute();
    return rows.map((row) => ({ ...row.entry, seq: row.seq }));
  }
  // Grants made to the account by someone else: its own acceptance of the invitation records the invited role too.
  const grantsFor = async (accountId: string, kind: string) =>
    (await auditEntries()).filter((e) => e.action === "access.grant" && e.grant?.kind === kind && e.grant.grantee.accountId === accountId && !(kind === "role" && e.actor.accountId === accountId));
  const putRoles = (user: SignedInUser, accountId: string, roles: string[]) => user.client.request("PUT", `/api/admin/accounts/${accountId}/roles`, { body: { roles } });
  const rolesOf = async (accountId: string) => (await app.mamori.identity.accounts.get(accountId))?.roles;
  /** Verifies the second factor again (step-up), one TOTP step later so the code is not a replay. */
  async function reverify(user: SignedInUser): Promise<void> {
    clock.advance(30_000);
    const verified = await user.client.post("/api/auth/reverify", { method: "totp", code: await user.totpCode() });
    assert.equal(verified.status, 200, verified.text);
  }

  before(async () => {
    app = await startTestApp({ clock, env: { MAMORI_IDS_ENABLED: "false", MAMORI_SESSION_IDLE_MINUTES: "1440", MAMORI_SESSION_ABSOLUTE_HOURS: "168" } });
    admin = await app.signedInUser("admin");
    secondAdmin = await app.signedInUser("admin");
    thirdAdmin = await app.signedInUser("admin");
    const user = await app.signedInUser("security_officer");
    officer = { accountId: user.accountId, roles: ["security_officer"], sessionId: "test", network: { ip: "127.0.0.1", userAgent: "test" } };
  });
  after(() => app.close());

  it("refuses an administrator's change to its own roles with identity.own_roles, audited as denied", async () => {
    const refused = await putRoles(admin, admin.accountId, ["admin", "doctor"]);
    assert.equal(refused.status, 403);
    assert.equal(refused.json.code, "identity.own_roles");
    assert.deepEqual(await rolesOf(admin.accountId), ["admin"]);
    const denied = (await auditEntries()).filter((e) => e.action === "identity.roles_change" && e.resource?.id === admin.accountId);
    assert.deepEqual(
      denied.map((e) => [e.outcome, e.reasonCode, e.actor.accountId]),
      [["denied", "identity.own_roles", admin.accountId]],
    );
  });

  it("asks for a recent second factor before any role change", async () => {
    const nurse = await app.signedInUser("nurse");
    clock.advance(301_000);
    const stale = await putRoles(admin, nurse.accountId, ["nurse", "pharmacist"]);
    assert.equal(stale.status, 401);
    assert.equal(stale.json.code, "session.step_up_required");
    assert.deepEqual(await rolesOf(nurse.accountId), ["nurse"]);
    await reverify(admin);
    assert.equal((await putRoles(admin, nurse.accountId, ["nurse", "pharmacist"])).status, 204);
  });

  it("applies a clinical role added to a clinician at once, with an access.grant entry in the same transaction", async () => {
    const nurse = await app.signedInUser("nurse");
    await reverify(admin);
    assert.equal((await putRoles(admin, nurse.accountId, ["nurse", "doctor"])).status, 204);
    assert.deepEqual(await rolesOf(nurse.accountId), ["doctor", "nurse"]);
    const [grant, ...more] = await grantsFor(nurse.accountId, "role");
    assert.equal(more.length, 0);
    assert.deepEqual([grant?.outcome, grant?.actor.accountId, grant?.grant?.change, grant?.grant?.roles, grant?.resource], ["success", admin.accountId, "granted", ["doctor"], { type: "Account", id: nurse.accountId }]);
    const change = (await auditEntries()).find((e) => e.action === "identity.roles_change" && e.resource?.id === nurse.accountId && e.outcome === "success");
    assert.equal(change?.reasonCode, "roles:nurse>doctor+nurse");
    assert.equal(grant!.seq, change!.seq + 1, "appended together");
  });

  it("ends the sessions of an account that loses a role, and records the revocation", async () => {
    const doctor = await app.signedInUser("doctor");
    await reverify(admin);
    assert.equal((await putRoles(admin, doctor.accountId, ["doctor", "clerk"])).status, 204);
    assert.equal((await doctor.client.get("/api/session")).json.stage, "active", "gaining a role keeps the session");
    assert.equal((await putRoles(admin, doctor.accountId, ["clerk"])).status, 204);
    assert.notEqual((await doctor.client.get("/api/session")).json.stage, "active");
    const revoked = (await grantsFor(doctor.accountId, "role")).filter((e) => e.grant?.change === "revoked");
    assert.deepEqual(revoked.map((e) => e.grant?.roles), [["doctor"]]);
  });

  it("holds a change that mixes duties for a second administrator, who is neither the requester nor the account", async () => {
    const doctor = await app.signedInUser("doctor");
    const patientId = await createPatient(doctor);
    await reverify(admin);
    const asked = await putRoles(admin, secondAdmin.accountId, ["admin", "doctor"]);
    assert.equal(asked.status, 202, asked.text);
    const requestId = asked.json.requestId as string;
    assert.equal(asked.json.expiresAt, clock.now().getTime() + 24 * 3_600_000);
    assert.deepEqual(await rolesOf(secondAdmin.accountId), ["admin"], "nothing applied yet");
    assert.deepEqual(await grantsFor(secondAdmin.accountId, "role"), []);

    const listed = async (user: SignedInUser) => ((await user.client.get("/api/admin/role-requests")).json.requests as Array<{ id: string; canApprove: boolean; roles: string[] }>).find((r) => r.id === requestId);
    assert.deepEqual([(await listed(admin))?.canApprove, (await listed(secondAdmin))?.canApprove, (await listed(thirdAdmin))?.canApprove], [false, false, true]);
    assert.deepEqual((await listed(thirdAdmin))?.roles, ["admin", "doctor"]);
    assert.equal((await doctor.client.get("/api/admin/role-requests")).status, 403);

    const own = await admin.client.post(`/api/admin/role-requests/${requestId}/approve`);
    assert.deepEqual([own.status, own.json.code], [403, "identity.own_role_request"]);
    await reverify(secondAdmin);
    const self = await secondAdmin.client.post(`/api/admin/role-requests/${requestId}/approve`);
    assert.deepEqual([self.status, self.json.code], [403, "identity.own_roles"]);
    clock.advance(301_000);
    const stale = await thirdAdmin.client.post(`/api/admin/role-requests/${requestId}/approve`);
    assert.equal(stale.json.code, "session.step_up_required");
    await reverify(thirdAdmin);
    assert.equal((await thirdAdmin.client.post(`/api/admin/role-requests/${requestId}/approve`)).status, 204);
    assert.deepEqual(await rolesOf(secondAdmin.accountId), ["admin", "doctor"]);
    assert.equal((await thirdAdmin.client.post(`/api/admin/role-requests/${requestId}/approve`)).status, 404, "decided once");

    const [grant] = await grantsFor(secondAdmin.accountId, "role");
    assert.deepEqual([grant?.actor.accountId, grant?.grant?.requestedBy, grant?.grant?.roles], [thirdAdmin.accountId, { accountId: admin.accountId }, ["doctor"]]);
    // Defence in depth: even with both roles, the separation forbid keeps patient records closed to an administrator.
    assert.equal((await secondAdmin.client.get(`/fhir/R4/Patient/${patientId}`)).status, 404, "the separation of duties refuses it, as not found");
  });

  it("lets requests be rejected and lapse after MAMORI_ROLE_REQUEST_HOURS", async () => {
    const officerUser = await app.signedInUser("security_officer");
    await reverify(admin);
    const asked = await putRoles(admin, officerUser.accountId, ["security_officer", "nurse"]);
    assert.equal(asked.status, 202);
    assert.equal((await secondAdmin.client.post(`/api/admin/role-requests/${asked.json.requestId}/reject`)).status, 204);
    await reverify(thirdAdmin);
    assert.equal((await thirdAdmin.client.post(`/api/admin/role-requests/${asked.json.requestId}/approve`)).status, 404);

    const nurse = await app.signedInUser("nurse");
    await reverify(admin);
    const lapsing = await putRoles(admin, nurse.accountId, ["nurse", "admin"]);
    assert.equal(lapsing.status, 202, "an administrative role always needs a second administrator");
    // A day in two steps, the sessions used in between so none reaches the idle limit.
    clock.advance(12 * 3_600_000);
    for (const user of [admin, thirdAdmin]) assert.equal((await user.client.get("/api/session")).status, 200);
    clock.advance(12 * 3_600_000 + 1_000);
    await reverify(thirdAdmin);
    const lapsed = await thirdAdmin.client.post(`/api/admin/role-requests/${lapsing.json.requestId}/approve`);
    assert.deepEqual([lapsed.status, lapsed.json.code], [404, "identity.role_request_not_found"]);
    assert.deepEqual(await rolesOf(nurse.accountId), ["nurse"]);
  });

  it("refuses linking one's own account to a Practitioner, and a Practitioner another active account acts as", async () => {
    const own = await admin.client.request("PUT", `/api/admin/accounts/${admin.accountId}/practitioner`, { body: { practitionerId: "pr-admin-1" } });
    assert.deepEqual([own.status, own.json.code], [403, "access.own_practitioner_link"]);
    const doctor = await app.signedInUser("doctor");
    const other = await app.signedInUser("doctor");
    const link = { practitionerId: "pr-doctor-7", departmentId: "org-surgery" };
    assert.equal((await admin.client.request("PUT", `/api/admin/accounts/${doctor.accountId}/practitioner`, { body: link })).status, 204);
    const taken = await admin.client.request("PUT", `/api/admin/accounts/${other.accountId}/practitioner`, { body: link });
    assert.deepEqual([taken.status, taken.json.code], [409, "access.practitioner_linked_elsewhere"]);

    const [grant, ...more] = await grantsFor(doctor.accountId, "practitioner_link");
    assert.equal(more.length, 0);
    assert.deepEqual([grant?.grant?.change, grant?.grant?.grantee, grant?.actor.accountId], ["granted", { accountId: doctor.accountId, practitionerId: "pr-doctor-7", organizationId: "org-surgery" }, admin.accountId]);
    assert.deepEqual(await grantsFor(other.accountId, "practitioner_link"), []);
    const refused = (await auditEntries()).filter((e) => e.action === "access.practitioner_link" && e.outcome === "denied");
    assert.deepEqual(refused.map((e) => e.reasonCode), ["access.own_practitioner_link"]);

    // Once the first account is disabled, the Practitioner may be linked to its successor.
    assert.equal((await admin.client.post(`/api/admin/accounts/${doctor.accountId}/deactivate`)).status, 204);
    assert.equal((await admin.client.request("PUT", `/api/admin/accounts/${other.accountId}/practitioner`, { body: link })).status, 204);
  });

  it("appends an access.grant entry for an emergency grant, with its patient, in the grant's transaction", async () => {
    const doctor = await app.signedInUser("doctor");
    const patientId = await createPatient(doctor);
    const granted = await doctor.client.post("/api/break-glass", { patientId, reason: "Unconscious patient brought to the emergency room" });
    assert.equal(granted.status, 201, granted.text);
    const [grant] = await grantsFor(doctor.accountId, "break_glass");
    assert.deepEqual([grant?.patientId, grant?.grant?.change, grant?.actor.accountId, grant?.resource?.id], [patientId, "granted", doctor.accountId, granted.json.id]);
    const use = (await auditEntries()).find((e) => e.action === "access.break_glass" && e.resource?.id === granted.json.id);
    assert.equal(grant!.seq, use!.seq + 1);
  });

  it("raises role_gained on every role granted (high when duties mix) and on a refused change to one's own roles", async () => {
    await app.mamori.ids.engine.catchUp();
    const alerts = await app.mamori.ids.officer.listAlerts(officer, { limit: 500 });
    const entries = await auditEntries();
    const ofRule = (accountId: string) => alerts.filter((alert) => alert.ruleId === "role_gained" && alert.accountId === accountId);
    const [byFirst] = ofRule(admin.accountId);
    assert.equal(byFirst?.severity, "high", "a refused change to one's own roles");
    const evidence = entries.filter((e) => byFirst?.evidence.includes(e.seq));
    assert.ok(evidence.some((e) => e.action === "identity.roles_change" && e.reasonCode === "identity.own_roles"));
    assert.ok(evidence.some((e) => e.grant?.kind === "role" && e.grant.roles?.includes("doctor")), "names whose roles and which");
    const [bySecond] = ofRule(thirdAdmin.accountId);
    assert.equal(bySecond?.severity, "high", "admin and doctor on one account");
    assert.deepEqual(entries.filter((e) => bySecond?.evidence.includes(e.seq)).map((e) => [e.grant?.grantee.accountId, e.grant?.roles]), [[secondAdmin.accountId, ["doctor"]]]);
  });
});
