import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock, type Principal } from "../kernel/index.js";
import { createPatient, startTestApp, type SignedInUser, type TestApp } from "../testing/index.js";

const hourMs = 3_600_000;

// AUTH-6: an invitation is a way into an account until it is used, so administrators see the open ones and withdraw
// those no longer wanted; every look and every withdrawal is audited.
describe("pending invitations: list and revoke (HTTP)", () => {
  const clock = createManualClock(new Date());
  let app: TestApp;
  let admin: SignedInUser;
  let doctor: SignedInUser;
  let officer: SignedInUser;
  let adminPrincipal: Principal;

  before(async () => {
    app = await startTestApp({
      clock,
      // Invitations expire within the test; sessions must outlive that.
      env: { MAMORI_INVITATION_HOURS: "1", MAMORI_SESSION_IDLE_MINUTES: "1440", MAMORI_SESSION_ABSOLUTE_HOURS: "168" },
    });
    admin = await app.signedInUser("admin");
    doctor = await app.signedInUser("doctor");
    officer = await app.signedInUser("security_officer");
    // Invitations issued after the clock moved go through the module, past the step-up window of the HTTP route.
    adminPrincipal = { accountId: admin.accountId, roles: ["admin"], sessionId: "invitations-test", network: { ip: "127.0.0.1", userAgent: "invitations-test" } };
  });
  after(() => app.close());

  const auditOf = async (action: string) => (await officer.client.get(`/api/audit/entries?action=${action}`)).json.entries as Array<Record<string, unknown>>;
  const pending = async () => (await admin.client.get("/api/admin/invitations")).json.invitations as Array<{ id: string; email: string; role: string; expiresAt: number; invitedBy: { id: string; displayName: string } }>;
  const tokenOf = (invitationUrl: string) => new URL(invitationUrl).hash.replace("#token=", "");

  it("lists open staff invitations with address, role, expiry and inviter, and never a token; used, expired and patient invitations are left out", async () => {
    assert.equal((await admin.client.post("/api/admin/invitations", { email: "expired@example.test", role: "nurse" })).status, 200);
    const used = await admin.client.post("/api/admin/invitations", { email: "used@example.test", role: "doctor" });
    const accepted = await app.client().post("/api/invitations/accept", { token: tokenOf(used.json.invitationUrl), email: "used@example.test", displayName: "試験 使用", password: "correct horse battery staple used" });
    assert.equal(accepted.status, 200, accepted.text);
    clock.advance(2 * hourMs);
    const open = await app.mamori.identity.invitations.invite(adminPrincipal, { email: "open@example.test", role: "pharmacist" });
    const patientId = await createPatient(doctor, { email: "patient@example.test" });
    assert.equal((await app.invitePatient(doctor, patientId)).response.status, 201);

    const listed = await admin.client.get("/api/admin/invitations");
    assert.equal(listed.status, 200);
    const invitations = listed.json.invitations as Array<Record<string, unknown>>;
    assert.deepEqual(invitations.map((invitation) => invitation["email"]), ["open@example.test"]);
    const [only] = invitations;
    assert.deepEqual(Object.keys(only!).sort(), ["email", "expiresAt", "id", "invitedBy", "role"]);
    assert.equal(only!["role"], "pharmacist");
    assert.equal(only!["expiresAt"], open.expiresAt.getTime());
    assert.equal((only!["invitedBy"] as { id: string }).id, admin.accountId);
    assert.ok(!listed.text.includes(open.token), "the token never leaves the server again");

    const read = (await auditOf("identity.invitations_read")).find((entry) => entry["accountId"] === admin.accountId);
    assert.equal(read?.["outcome"], "success");
  });

  it("revokes a pending invitation: its link stops working, it leaves the list, and the revocation is audited", async () => {
    const issued = await app.mamori.identity.invitations.invite(adminPrincipal, { email: "revoke@example.test", role: "doctor" });
    assert.equal((await app.client().post("/api/invitations/lookup", { token: issued.token })).status, 200);
    const id = (await pending()).find((invitation) => invitation.email === "revoke@example.test")!.id;

    assert.equal((await admin.client.request("DELETE", `/api/admin/invitations/${id}`)).status, 204);
    assert.equal((await app.client().post("/api/invitations/lookup", { token: issued.token })).status, 404);
    const accept = await app.client().post("/api/invitations/accept", { token: issued.token, email: "revoke@example.test", displayName: "試験 取消", password: "correct horse battery staple revoked" });
    assert.equal(accept.json.code, "identity.invitation_invalid");
    assert.ok(!(await pending()).some((invitation) => invitation.id === id));

    const again = await admin.client.request("DELETE", `/api/admin/invitations/${id}`);
    assert.deepEqual([again.status, again.json.code], [404, "identity.invitation_invalid"]);
    assert.equal((await admin.client.request("DELETE", "/api/admin/invitations/00000000-0000-4000-8000-000000000999")).status, 404);
    assert.equal((await admin.client.request("DELETE", "/api/admin/invitations/not-an-id")).status, 400);

    const revoked = await auditOf("identity.invitation_revoke");
    assert.deepEqual(
      revoked.filter((entry) => entry["resourceId"] === id).map((entry) => [entry["outcome"], entry["accountId"]]),
      [["success", admin.accountId]],
    );
  });

  it("refuses the list and revocation to anyone but an administrator, and audits the refusal", async () => {
    const issued = await app.mamori.identity.invitations.invite(adminPrincipal, { email: "kept@example.test", role: "clerk" });
    const id = (await pending()).find((invitation) => invitation.email === "kept@example.test")!.id;
    assert.equal((await doctor.client.get("/api/admin/invitations")).status, 403);
    assert.equal((await officer.client.get("/api/admin/invitations")).status, 403);
    assert.equal((await doctor.client.request("DELETE", `/api/admin/invitations/${id}`)).status, 403);
    assert.equal((await app.client().get("/api/admin/invitations")).status, 401);
    assert.equal((await app.client().post("/api/invitations/lookup", { token: issued.token })).status, 200, "still open");

    const denied = (await auditOf("identity.invitation_revoke")).filter((entry) => entry["resourceId"] === id);
    assert.deepEqual(denied.map((entry) => [entry["outcome"], entry["accountId"]]), [["denied", doctor.accountId]]);
    const reads = await auditOf("identity.invitations_read");
    assert.ok(reads.some((entry) => entry["outcome"] === "denied" && entry["accountId"] === officer.accountId));
  });
});
