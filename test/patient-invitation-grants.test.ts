import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { readAuditEntriesAfter, type RecordedAuditEntry } from "../src/audit/index.js";
import { createPatient, startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";

const fhir = { contentType: "application/fhir+json" };

// AUTH-6 / ACC-1: a portal account reads the patient's whole record, so inviting a patient is a grant of access. Only a
// clinician in the patient's care may invite; the link goes only to the address on the Patient record, and acceptance
// also needs the one-time code the clinician hands over in person. Every grant and withdrawal is in the audit trail.
describe("patient portal invitations as access grants", () => {
  let app: TestApp;
  let registrar: SignedInUser;
  let outsider: SignedInUser;
  let officer: SignedInUser;
  let counter = 0;

  before(async () => {
    app = await startTestApp();
    registrar = await app.signedInUser("doctor");
    outsider = await app.signedInUser("doctor");
    officer = await app.signedInUser("security_officer");
  });
  after(() => app.close());

  /** A Patient registered by `registrar` (a care relationship) with its own e-mail address on record. */
  async function registeredPatient(): Promise<{ patientId: string; email: string }> {
    counter += 1;
    const email = `grants-patient${counter}@example.test`;
    return { patientId: await createPatient(registrar, { email, patientNumber: `9000${counter}` }), email };
  }
  const trail = () => readAuditEntriesAfter(app.mamori.db.kysely, 0, 100_000);
  const grantsOf = (entries: RecordedAuditEntry[], patientId: string) =>
    entries.filter((entry) => entry.action === "access.grant" && entry.patientId === patientId).map((entry) => [entry.grant?.kind, entry.grant?.change, entry.grant?.grantee]);
  const accept = (token: string, email: string, code?: string) =>
    app.client().post("/api/invitations/accept", { token, email, displayName: "試験 花子", password: "patient passphrase long enough", ...(code === undefined ? {} : { code }) });

  it("refuses a doctor outside the patient's care with 403, audits the refusal and raises portal_invitation_outside_care", async () => {
    const { patientId } = await registeredPatient();
    const mailBefore = (await app.pickedUpMail()).length;
    const refused = await outsider.client.post("/api/patient-invitations", { patientId });
    assert.deepEqual([refused.status, refused.json.code], [403, "access.denied"]);
    assert.equal((await app.pickedUpMail()).length, mailBefore, "nothing is sent");

    const audited = (await officer.client.get(`/api/audit/entries?action=identity.invite_patient&patientId=${patientId}`)).json.entries as Array<Record<string, unknown>>;
    assert.deepEqual(
      audited.map((entry) => [entry["outcome"], entry["accountId"], entry["reasonCode"]]),
      [["denied", outsider.accountId, "access.no_care_relationship"]],
    );
    const alertsFor = async () => (await officer.client.get("/api/security/alerts")).json.alerts as Array<{ id: string; ruleId: string; accountId?: string; evidence: number[] }>;
    const deadline = Date.now() + 10_000;
    const alertOf = async () => (await alertsFor()).find((candidate) => candidate.ruleId === "portal_invitation_outside_care" && candidate.accountId === outsider.accountId);
    let alert = await alertOf();
    while (!alert && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      alert = await alertOf();
    }
    assert.ok(alert, "the intrusion detection rule raised an alert on the outsider");
    const entries = await trail();
    assert.ok(alert.evidence.every((seq) => entries.find((entry) => entry.seq === seq)?.patientId === patientId), "the evidence names the patient");
    assert.equal(entries.find((entry) => entry.action === "ids.alert" && entry.resource?.id === alert.id)?.patientId, patientId);
  });

  it("sends the link to the address on the Patient record only, and answers the clinician with a one-time code and never the link", async () => {
    const { patientId, email } = await registeredPatient();
    const { response, mail, token } = await app.invitePatient(registrar, patientId);
    assert.equal(response.status, 201, response.text);
    assert.deepEqual(Object.keys(response.json).sort(), ["code", "expiresAt", "invitationId", "sentTo"]);
    assert.match(response.json.code as string, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    assert.equal(response.json.sentTo, `g********@example.test`);
    assert.ok(token && !response.text.includes(token), "the token never reaches the inviter");
    assert.equal(mail?.to, email);
    assert.equal(mail?.mode, 0o600);
    assert.ok(mail?.text.includes(`${app.baseUrl}/invite#token=${token}`.replace(app.baseUrl, app.config.publicUrl.origin)));
    assert.ok(!mail?.raw.includes(response.json.code as string), "the code is not in the message");
    assert.ok(mail!.text.indexOf("患者ポータル") < mail!.text.indexOf("patient portal"), "Japanese first, English below");

    const invitationId = response.json.invitationId as string;
    assert.deepEqual(grantsOf(await trail(), patientId), [["portal_invitation", "granted", { invitationId }]]);
  });

  it("refuses an e-mail address in the request with 400, so an older client learns the address comes from the record", async () => {
    const { patientId } = await registeredPatient();
    const refused = await registrar.client.post("/api/patient-invitations", { patientId, email: "attacker@example.test" });
    assert.deepEqual([refused.status, refused.json.code], [400, "identity.invitation_email_not_accepted"]);
    assert.deepEqual(grantsOf(await trail(), patientId), []);
  });

  it("asks for the e-mail address in the patient's demographics first when the record has none", async () => {
    const patientId = await createPatient(registrar);
    const refused = await registrar.client.post("/api/patient-invitations", { patientId });
    assert.deepEqual([refused.status, refused.json.code], [422, "identity.patient_no_email"]);
  });

  it("refuses acceptance without the code or with a wrong one, and voids the invitation at the fifth wrong code", async () => {
    const { patientId, email } = await registeredPatient();
    const { response, token } = await app.invitePatient(registrar, patientId);
    assert.equal((await app.client().post("/api/invitations/lookup", { token })).json.codeRequired, true);

    const missing = await accept(token!, email);
    assert.deepEqual([missing.status, missing.json.code], [400, "identity.invitation_code_required"]);
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const wrong = await accept(token!, email, "AAAA-BBBB-CCCC");
      assert.deepEqual([wrong.status, wrong.json.code], [422, "identity.invitation_code_invalid"], `attempt ${attempt}`);
    }
    const late = await accept(token!, email, response.json.code as string);
    assert.deepEqual([late.status, late.json.code], [404, "identity.invitation_invalid"], "the right code no longer helps");

    const entries = await trail();
    const refusals = entries.filter((entry) => entry.action === "identity.accept_invitation" && entry.patientId === patientId).map((entry) => [entry.outcome, entry.reasonCode]);
    assert.deepEqual(refusals, [...Array.from({ length: 4 }, () => ["denied", "identity.invitation_code_invalid"]), ["denied", "identity.invitation_code_void"]]);
    const invitationId = response.json.invitationId as string;
    assert.deepEqual(grantsOf(entries, patientId), [
      ["portal_invitation", "granted", { invitationId }],
      ["portal_invitation", "revoked", { invitationId }],
    ]);
  });

  it("creates the account with the link and the code; the patient reads their own record and the grants are in the trail", async () => {
    const { patientId, email } = await registeredPatient();
    const { response, token } = await app.invitePatient(registrar, patientId);
    const patient = app.client();
    const accepted = await patient.post("/api/invitations/accept", { token, email, code: (response.json.code as string).toLowerCase(), displayName: "試験 花子", password: "patient passphrase long enough" });
    assert.equal(accepted.json.stage, "active", accepted.text);
    const accountId = accepted.json.account.id as string;
    assert.equal((await patient.get(`/fhir/R4/Patient/${patientId}`, fhir)).status, 200);

    const invitationId = response.json.invitationId as string;
    assert.deepEqual(grantsOf(await trail(), patientId), [
      ["portal_invitation", "granted", { invitationId }],
      ["portal_account", "granted", { accountId }],
    ]);
    const again = await registrar.client.post("/api/patient-invitations", { patientId });
    assert.deepEqual([again.status, again.json.code], [409, "identity.email_taken"], "an existing portal account still blocks");
  });

  it("withdraws an earlier open invitation when the patient is invited again, so the real patient can still be invited", async () => {
    const { patientId, email } = await registeredPatient();
    const first = await app.invitePatient(registrar, patientId);
    const second = await app.invitePatient(registrar, patientId);
    assert.equal(second.response.status, 201, second.response.text);
    assert.equal((await app.client().post("/api/invitations/lookup", { token: first.token })).status, 404, "the earlier link is withdrawn");
    const stale = await accept(first.token!, email, first.response.json.code as string);
    assert.equal(stale.json.code, "identity.invitation_invalid");
    const accepted = await accept(second.token!, email, second.response.json.code as string);
    assert.equal(accepted.status, 200, accepted.text);

    const [firstId, secondId] = [first.response.json.invitationId as string, second.response.json.invitationId as string];
    assert.deepEqual(grantsOf(await trail(), patientId), [
      ["portal_invitation", "granted", { invitationId: firstId }],
      ["portal_invitation", "revoked", { invitationId: firstId }],
      ["portal_invitation", "granted", { invitationId: secondId }],
      ["portal_account", "granted", { accountId: accepted.json.account.id }],
    ]);
  });
});

// Nothing half-written survives a failure: an invitation whose message was not accepted for delivery does not exist.
describe("patient portal invitations when mail cannot be delivered", () => {
  let app: TestApp;
  let doctor: SignedInUser;
  before(async () => {
    app = await startTestApp({ env: { MAMORI_MAIL_PICKUP_DIR: "/dev/null/mail-outbox" } });
    doctor = await app.signedInUser("doctor");
  });
  after(() => app.close());

  it("answers 503 mail.unavailable and leaves no invitation, grant or code behind", async () => {
    const patientId = await createPatient(doctor, { email: "undeliverable@example.test" });
    const refused = await doctor.client.post("/api/patient-invitations", { patientId });
    assert.deepEqual([refused.status, refused.json.code], [503, "mail.unavailable"]);
    const entries = await readAuditEntriesAfter(app.mamori.db.kysely, 0, 100_000);
    assert.deepEqual(entries.filter((entry) => entry.action === "access.grant" && entry.patientId === patientId), []);
    assert.deepEqual(
      entries.filter((entry) => entry.action === "identity.invite_patient" && entry.patientId === patientId).map((entry) => [entry.outcome, entry.reasonCode]),
      [["failure", "mail.unavailable"]],
    );
    const open = await app.mamori.db.kysely
      .withTables<{ identity_invitation: { patient_id: string | null } }>()
      .selectFrom("identity_invitation")
      .select("patient_id")
      .where("patient_id", "=", patientId)
      .execute();
    assert.deepEqual(open, []);
  });
});
