import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPatient, startTestApp, type SignedInUser, type TestApp, type TestClient } from "../src/testing/index.js";

const outside = "203.0.113.9";

/** A request as if from another address, carrying a client's session cookie. */
function fromAddress(app: TestApp, remoteAddress: string, method: "GET" | "POST", url: string, options: { client?: TestClient; body?: unknown } = {}) {
  const cookie = options.client ? [...options.client.cookies].map(([name, value]) => `${name}=${value}`).join("; ") : undefined;
  return app.mamori.app.inject({
    method,
    url,
    remoteAddress,
    headers: { ...(cookie ? { cookie } : {}), ...(method === "POST" ? { origin: app.baseUrl, "content-type": "application/json" } : {}) },
    ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
  });
}

// NET-1: administrator and security officer functions only from the networks configured for those roles, enforced
// by the Cedar policies in policies/network.cedar for every action, and audited when refused.
describe("network allow-lists for administrators and security officers", () => {
  let app: TestApp;
  let admin: SignedInUser;
  let officer: SignedInUser;
  let doctor: SignedInUser;
  let refusedSetup: Awaited<ReturnType<typeof fromAddress>>;
  before(async () => {
    // The test clients connect from 127.0.0.1, inside both lists; other addresses are simulated per request.
    app = await startTestApp({ env: { MAMORI_ADMIN_NETWORKS: "127.0.0.1,10.9.0.0/16", MAMORI_SECURITY_NETWORKS: "127.0.0.1,fd00:5::/64" } });
    // The first administrator's setup link, used from outside the administrators' networks, creates no account.
    const setupToken = new URL(await app.createSetupLink()).hash.replace("#token=", "");
    refusedSetup = await fromAddress(app, outside, "POST", "/api/invitations/accept", {
      body: { token: setupToken, email: "intruder@example.test", displayName: "試験 侵入", password: "correct horse battery staple" },
    });
    admin = await app.signedInUser("admin");
    officer = await app.signedInUser("security_officer");
    doctor = await app.signedInUser("doctor");
  });
  after(() => app.close());

  async function auditEntries(query: string): Promise<Array<{ action: string; outcome: string; reasonCode?: string; network?: { ip: string } }>> {
    const page = await admin.client.get(`/api/audit/entries?${query}`);
    assert.equal(page.status, 200);
    return page.json.entries;
  }

  it("serves an administrator from an allowed address or range", async () => {
    assert.equal((await admin.client.get("/api/admin/keys")).status, 200);
    assert.equal((await fromAddress(app, "10.9.3.4", "GET", "/api/admin/keys", { client: admin.client })).statusCode, 200);
  });

  it("refuses an administrator from another network with 403 and audits the reason", async () => {
    const refused = await fromAddress(app, outside, "GET", "/api/admin/keys", { client: admin.client });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().code, "access.denied");
    const invite = await fromAddress(app, outside, "POST", "/api/admin/invitations", { client: admin.client, body: { email: "new@example.test", role: "doctor" } });
    assert.equal(invite.statusCode, 403);
    const entries = await auditEntries(`accountId=${admin.accountId}&outcome=denied`);
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.reasonCode]).sort(),
      [["identity.invite", "access.untrusted_network"], ["keys.status_read", "access.untrusted_network"]],
    );
  });

  it("refuses FHIR requests of a security officer from another network with a 403 OperationOutcome", async () => {
    assert.equal((await officer.client.get("/fhir/R4/AuditEvent")).status, 200);
    const refused = await fromAddress(app, outside, "GET", "/fhir/R4/AuditEvent", { client: officer.client });
    assert.equal(refused.statusCode, 403);
    const outcome = refused.json();
    assert.equal(outcome.resourceType, "OperationOutcome");
    assert.equal(outcome.issue[0].details.coding[0].code, "access.denied");
    assert.equal((await fromAddress(app, "10.9.3.4", "GET", "/api/audit/entries", { client: officer.client })).statusCode, 403, "the administrators' range is not the officers'");
  });

  it("leaves clinicians unrestricted", async () => {
    const patientId = await createPatient(doctor);
    assert.equal((await fromAddress(app, outside, "GET", `/fhir/R4/Patient/${patientId}`, { client: doctor.client })).statusCode, 200);
  });

  it("creates administrator accounts only from the administrators' networks, also through the sign-in-free setup link", async () => {
    assert.equal(refusedSetup.statusCode, 403);
    assert.equal(refusedSetup.json().code, "access.denied");
    const issued = await admin.client.post("/api/admin/invitations", { email: "second-admin@example.test", role: "admin" });
    assert.equal(issued.status, 200);
    const token = new URL(issued.json.invitationUrl as string).hash.replace("#token=", "");
    const body = { token, email: "second-admin@example.test", displayName: "試験 管理", password: "correct horse battery second" };
    assert.equal((await fromAddress(app, outside, "POST", "/api/invitations/accept", { body })).statusCode, 403);
    assert.equal((await fromAddress(app, "10.9.0.1", "POST", "/api/invitations/accept", { body })).statusCode, 200, "the refused attempt did not use up the invitation");
    const refusals = await auditEntries("action=identity.accept_invitation&outcome=denied");
    assert.equal(refusals.length, 2);
    assert.ok(refusals.every((entry) => entry.reasonCode === "access.untrusted_network"));
  });
});
