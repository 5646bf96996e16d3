import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { buildDenyingConsent, buildVitalSign, createPatient, treatmentPurpose, startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";

const fhir = { contentType: "application/fhir+json" };
const confidentiality = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
const veryRestricted = { security: [{ system: confidentiality, code: "V" }] };

// Review of the access edges (docs/threat-model.md, "Access edges"): each case is a way one role gains access beyond
// its need. These tests fail until the holes are closed.
describe("access edges: escalations an insider could try", () => {
  let app: TestApp;
  let registrar: SignedInUser;
  let emergency: SignedInUser;
  let nurse: SignedInUser;
  let pharmacist: SignedInUser;

  before(async () => {
    app = await startTestApp();
    const admin = await app.signedInUser("admin");
    registrar = await app.signedInUser("doctor");
    emergency = await app.signedInUser("doctor");
    nurse = await app.signedInUser("nurse");
    pharmacist = await app.signedInUser("pharmacist");
    for (const [user, practitionerId] of [[emergency, "pr-emergency"], [nurse, "pr-review-nurse"], [pharmacist, "pr-review-pharmacist"]] as const) {
      const linked = await admin.client.request("PUT", `/api/admin/accounts/${user.accountId}/practitioner`, { body: { practitionerId } });
      assert.equal(linked.status, 204, linked.text);
    }
  });
  after(() => app.close());

  it("an emergency grant does not let a doctor write himself onto a CareTeam and so open V records for good", async () => {
    const patientId = await createPatient(registrar);
    const secret = await registrar.client.post("/fhir/R4/Observation", { ...buildVitalSign(patientId, { value: 61 }), meta: veryRestricted }, fhir);
    assert.equal(secret.status, 201, secret.text);
    assert.equal((await emergency.client.get(`/fhir/R4/Observation/${secret.json.id}`)).status, 404, "break-glass never opens V");
    const grant = await emergency.client.post("/api/break-glass", { patientId, reason: "意識消失で搬送、抗凝固薬服用中BG7" });
    assert.equal(grant.status, 201, grant.text);
    assert.equal((await emergency.client.get(`/fhir/R4/Observation/${secret.json.id}`)).status, 404, "break-glass never opens V");
    const careTeam = { resourceType: "CareTeam", status: "active", subject: { reference: `Patient/${patientId}` }, participant: [{ member: { reference: "Practitioner/pr-emergency" } }] };
    const written = await emergency.client.post("/fhir/R4/CareTeam", careTeam, fhir);
    const afterwards = await emergency.client.get(`/fhir/R4/Observation/${secret.json.id}`);
    // Expected: giving oneself a lasting care relationship is not emergency treatment.
    assert.deepEqual([written.status, afterwards.status], [403, 404], "self-appointed care team under break-glass, then the V record read");
  });

  it("a clinician in care cannot point the Patient's e-mail at himself and invite, taking a portal account to the whole record", async () => {
    const patientId = await createPatient(registrar, { email: "real-patient@example.test" });
    const careTeam = { resourceType: "CareTeam", status: "active", subject: { reference: `Patient/${patientId}` }, participant: [{ member: { reference: "Practitioner/pr-review-nurse" } }] };
    assert.equal((await registrar.client.post("/fhir/R4/CareTeam", careTeam, fhir)).status, 201);
    const secret = await registrar.client.post("/fhir/R4/Observation", { ...buildVitalSign(patientId, { value: 62 }), meta: veryRestricted }, fhir);
    assert.equal(secret.status, 201, secret.text);
    assert.equal((await nurse.client.get(`/fhir/R4/Observation/${secret.json.id}`)).status, 404, "V is closed to the nurse");

    const read = await nurse.client.get(`/fhir/R4/Patient/${patientId}`);
    const nurseAddress = "nurse-controlled@example.test";
    const changed = await nurse.client.request("PUT", `/fhir/R4/Patient/${patientId}`, { body: { ...read.json, telecom: [{ system: "email", value: nurseAddress }] }, contentType: fhir.contentType });
    assert.equal(changed.status, 200, changed.text);
    const { response, mail, token } = await app.invitePatient(nurse, patientId);
    const mailedToInviter = response.status === 201 && mail?.to === nurseAddress;
    let portalRead = 0;
    if (mailedToInviter) {
      const portal = app.client();
      const accepted = await portal.post("/api/invitations/accept", { token, code: response.json.code, email: nurseAddress, displayName: "試験 花子", password: "patient passphrase review 1" });
      assert.equal(accepted.json?.stage, "active", accepted.text);
      portalRead = (await portal.get(`/fhir/R4/Observation/${secret.json.id}`)).status;
    }
    // Expected: an invitation never goes to an address the inviter just put on the record (or needs someone else).
    assert.deepEqual([mailedToInviter, portalRead], [false, 0], "link mailed to the inviter's own address, then the V record read through the portal account");
  });

  it("an emergency grant does not let a doctor withdraw the patient's own consent for good", async () => {
    const patientId = await createPatient(registrar, { email: "consenting-patient@example.test" });
    const patient = await app.signedInPatient(registrar, patientId);
    const consent = await patient.client.post("/fhir/R4/Consent", buildDenyingConsent(patientId, { purpose: [treatmentPurpose] }), fhir);
    assert.equal(consent.status, 201, consent.text);
    assert.equal((await registrar.client.get(`/fhir/R4/Patient/${patientId}`)).status, 404, "the consent closes the record");
    const grant = await registrar.client.post("/api/break-glass", { patientId, reason: "意識消失で搬送、抗凝固薬服用中BG7" });
    assert.equal(grant.status, 201, grant.text);
    const withdrawn = await registrar.client.request("PUT", `/fhir/R4/Consent/${consent.json.id}`, { body: { ...consent.json, status: "inactive" }, contentType: fhir.contentType });
    // Expected: only the patient withdraws a consent; an emergency override lasts as long as the emergency.
    assert.equal(withdrawn.status, 403, `consent withdrawn by a doctor under break-glass: ${withdrawn.status}`);
  });

  it("a pharmacist cannot rewrite a prescription's narrative (text), which the field rights leave out", async () => {
    const patientId = await createPatient(registrar);
    const careTeam = { resourceType: "CareTeam", status: "active", subject: { reference: `Patient/${patientId}` }, participant: [{ member: { reference: "Practitioner/pr-review-pharmacist" } }] };
    assert.equal((await registrar.client.post("/fhir/R4/CareTeam", careTeam, fhir)).status, 201);
    const order = {
      resourceType: "MedicationRequest",
      status: "active",
      intent: "order",
      text: { status: "generated", div: '<div xmlns="http://www.w3.org/1999/xhtml">合成薬 5mg 1日1回 朝食後</div>' },
      medicationCodeableConcept: { text: "合成薬 5mg 錠" },
      subject: { reference: `Patient/${patientId}` },
      dosageInstruction: [{ text: "1日1回 朝食後" }],
    };
    const created = await registrar.client.post("/fhir/R4/MedicationRequest", order, fhir);
    assert.equal(created.status, 201, created.text);
    const rewritten = await pharmacist.client.request("PUT", `/fhir/R4/MedicationRequest/${created.json.id}`, {
      body: { ...created.json, text: { status: "generated", div: '<div xmlns="http://www.w3.org/1999/xhtml">合成薬 5mg 1日3回 毎食後</div>' } },
      contentType: fhir.contentType,
    });
    assert.equal(rewritten.status, 403, `pharmacist rewrote the narrative: ${rewritten.status}`);
  });

  it("a write to a record the caller may not read answers like a write to an id that does not exist (no existence or patient oracle)", async () => {
    const owner = await createPatient(registrar);
    const other = await createPatient(registrar);
    const hidden = await registrar.client.post("/fhir/R4/Observation", { ...buildVitalSign(owner, { value: 63 }), meta: veryRestricted }, fhir);
    assert.equal(hidden.status, 201, hidden.text);
    const id = hidden.json.id as string;
    const missing = "00000000-0000-4000-8000-000000000000";
    assert.equal((await pharmacist.client.get(`/fhir/R4/Observation/${id}`)).status, 404, "the read is refused as missing");
    const code = (response: { status: number; json: { issue?: Array<{ details?: { coding?: Array<{ code: string }> } }> } }) => `${response.status} ${response.json.issue?.[0]?.details?.coding?.[0]?.code}`;
    const putAs = (target: string, subject: string, ifMatch?: string) =>
      pharmacist.client.request("PUT", `/fhir/R4/Observation/${target}`, {
        body: { ...buildVitalSign(subject, { value: 1 }), id: target },
        contentType: fhir.contentType,
        ...(ifMatch ? { headers: { "if-match": ifMatch } } : {}),
      });
    const answers = {
      deleteExisting: code(await pharmacist.client.request("DELETE", `/fhir/R4/Observation/${id}`)),
      deleteMissing: code(await pharmacist.client.request("DELETE", `/fhir/R4/Observation/${missing}`)),
      putExisting: code(await putAs(id, owner)),
      putMissing: code(await putAs(missing, owner)),
      putOtherPatient: code(await putAs(id, other)),
      putStaleVersion: code(await putAs(id, owner, 'W/"7"')),
    };
    // Each method answers the same, whatever exists and whoever it belongs to: as for an id that does not exist.
    assert.equal(answers.deleteExisting, answers.deleteMissing, JSON.stringify(answers));
    assert.equal(new Set([answers.putExisting, answers.putMissing, answers.putOtherPatient, answers.putStaleVersion]).size, 1, JSON.stringify(answers));
  });
});

// ACC-2 two-person rule and the role grants of role-changes.ts, bypassed by the staff invitation.
describe("access edges: staff invitations as role grants", () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it("records inviting a second administrator, and the account that takes the role, as role grants, and alerts on it", async () => {
    const admin = await app.signedInUser("admin");
    const invited = await admin.client.post("/api/admin/invitations", { email: "second-self@example.test", role: "admin" });
    assert.equal(invited.status, 200, invited.text);
    const token = new URL(invited.json.invitationUrl as string).hash.replace("#token=", "");
    const accepted = await app.client().post("/api/invitations/accept", { token, email: "second-self@example.test", displayName: "別人 太郎", password: "officer passphrase long enough 9" });
    assert.equal(accepted.status, 200, accepted.text);
    const newAccount = accepted.json.account.id as string;
    await app.mamori.audit.flush();
    type Row = { seq: number; entry: { action: string; actor: { accountId?: string }; grant?: { kind: string; roles?: string[]; grantee: { accountId?: string; invitationId?: string } } } };
    const rows = await app.mamori.db.kysely.withTables<{ audit_entry: Row }>().selectFrom("audit_entry").select(["seq", "entry"]).orderBy("seq").execute();
    const roleGrants = rows.filter(({ entry }) => entry.action === "access.grant" && entry.grant?.kind === "role");
    const issued = roleGrants.find(({ entry }) => entry.actor.accountId === admin.accountId && entry.grant?.grantee.invitationId !== undefined && entry.grant.grantee.accountId === undefined);
    const taken = roleGrants.find(({ entry }) => entry.grant?.grantee.accountId === newAccount);
    assert.deepEqual(issued?.entry.grant?.roles, ["admin"], "the invitation is a grant of the role");
    assert.deepEqual([taken?.entry.grant?.roles, taken?.entry.grant?.grantee.invitationId], [["admin"], issued?.entry.grant?.grantee.invitationId], "the acceptance names the account and the invitation");
    const officer = await app.signedInUser("security_officer");
    const alertOf = async () =>
      ((await officer.client.get("/api/security/alerts")).json.alerts as Array<{ ruleId: string; accountId?: string }>).find((alert) => alert.ruleId === "role_gained" && alert.accountId === admin.accountId);
    let alert = await alertOf();
    for (const deadline = Date.now() + 10_000; !alert && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      alert = await alertOf();
    }
    assert.ok(alert, "a second administrator brought in by invitation raises role_gained");
  });
});
