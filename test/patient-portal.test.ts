import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { generate } from "otplib";
import { createManualClock } from "../src/kernel/index.js";
import { buildPatient, createPatient, startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";

const fhir = { contentType: "application/fhir+json" };

// The patient sees who viewed or changed their record (audit issue; PHR guideline), and nothing of anyone else's.
describe("patient portal: who viewed my record", () => {
  const clock = createManualClock();
  let app: TestApp;
  let doctor: SignedInUser;
  before(async () => {
    app = await startTestApp({ clock, env: { MAMORI_ORGANISATION_NAME: "試験クリニック" } });
    doctor = await app.signedInUser("doctor");
  });
  after(() => app.close());

  it("lists the doctor's creation and views of the record, newest first, with organisation, role and purpose", async () => {
    const patientId = await createPatient(doctor, { email: "history@example.test" });
    await doctor.client.get(`/fhir/R4/Patient/${patientId}`);
    clock.advance(60_000);
    await doctor.client.get(`/fhir/R4/Patient/${patientId}`);
    const patient = await app.signedInPatient(doctor, patientId, { email: "history@example.test" });

    const history = await patient.client.get("/api/me/access-history");
    assert.equal(history.status, 200);
    const items = history.json.items as Array<{ kind: string; action: string; role: string; organisation: string; purpose: string; staffName?: string; at: string }>;
    // The two newest views are the invitation's: it reads the e-mail address on the record, and the record's history
    // to see who put it there, as the inviting doctor. Each names what was done: a history read is never a change.
    assert.deepEqual(items.map((item) => [item.kind, item.action, item.role, item.purpose]), [
      ["viewed", "history", "doctor", "treatment"],
      ["viewed", "read", "doctor", "treatment"],
      ["viewed", "read", "doctor", "treatment"],
      ["viewed", "read", "doctor", "treatment"],
      ["created", "create", "doctor", "treatment"],
    ]);
    assert.ok(items.every((item) => item.organisation === "試験クリニック" && item.staffName === undefined));
    assert.ok(Date.parse(items[0]!.at) > Date.parse(items[4]!.at));

    // A search by name, a version read and the whole record each say what they were.
    await doctor.client.get(`/fhir/R4/Patient?_id=${patientId}`);
    await doctor.client.get(`/fhir/R4/Patient/${patientId}/_history/1`);
    await doctor.client.get(`/fhir/R4/Patient/${patientId}/$everything`);
    const seen = new Set(((await patient.client.get("/api/me/access-history")).json.items as Array<{ kind: string; action: string }>).map((item) => `${item.kind}:${item.action}`));
    for (const expected of ["viewed:search", "viewed:vread", "viewed:everything"]) assert.ok(seen.has(expected), `${expected} in ${[...seen].join(", ")}`);
    assert.ok(![...seen].some((item) => item.startsWith("changed")), "nothing here changed the record");
  });

  it("shows the patient's own views as their own, and reads their own record", async () => {
    const patientId = await createPatient(doctor);
    const patient = await app.signedInPatient(doctor, patientId);
    const own = await patient.client.get(`/fhir/R4/Patient/${patientId}`);
    assert.equal(own.status, 200);
    const items = (await patient.client.get("/api/me/access-history")).json.items as Array<{ kind: string; purpose: string }>;
    assert.deepEqual(items[0], { ...items[0], kind: "viewed", purpose: "self" });
  });

  it("refuses a patient another patient's record as not found, and that patient sees the refused attempt", async () => {
    const mine = await createPatient(doctor);
    const theirs = await createPatient(doctor);
    const patient = await app.signedInPatient(doctor, mine);
    const other = await app.signedInPatient(doctor, theirs);
    const refused = await patient.client.get(`/fhir/R4/Patient/${theirs}`);
    assert.equal(refused.status, 404);
    const theirHistory = (await other.client.get("/api/me/access-history")).json.items as Array<{ kind: string; role: string }>;
    assert.deepEqual(theirHistory.at(0), { ...theirHistory.at(0), kind: "refused", role: "patient" });
  });

  it("refuses the history to staff, who have no record of their own", async () => {
    const response = await doctor.client.get("/api/me/access-history");
    assert.equal(response.status, 403);
  });

  it("does not let a patient search or create records", async () => {
    const patient = await app.signedInPatient(doctor, await createPatient(doctor));
    assert.equal((await patient.client.post("/fhir/R4/Patient", buildPatient(), fhir)).status, 403);
  });

  it("refuses to invite a second account for the same record, or for a record that does not exist", async () => {
    const patientId = await createPatient(doctor);
    await app.signedInPatient(doctor, patientId);
    assert.equal((await doctor.client.post("/api/patient-invitations", { patientId })).status, 409);
    // No relationship can exist with a record that does not exist, so the policy refuses first.
    assert.equal((await doctor.client.post("/api/patient-invitations", { patientId: "00000000-0000-4000-8000-000000000000" })).status, 403);
  });

  it("does not let an administrator invite patients", async () => {
    const admin = await app.signedInUser("admin");
    const response = await admin.client.post("/api/patient-invitations", { patientId: await createPatient(doctor) });
    assert.equal(response.status, 403);
  });
});

describe("patient portal with staff names shown and patient MFA required", () => {
  const clock = createManualClock();
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ clock, env: { MAMORI_PATIENT_HISTORY_STAFF_NAMES: "true", MAMORI_PATIENT_MFA_REQUIRED: "true" } });
  });
  after(() => app.close());

  it("requires the patient to enrol a second factor before anything else", async () => {
    const doctor = await app.signedInUser("doctor");
    const patientId = (await doctor.client.post("/fhir/R4/Patient", buildPatient({ email: "mfa-patient@example.test" }), fhir)).json.id as string;
    const { response, token } = await app.invitePatient(doctor, patientId);
    const patient = app.client();
    const accepted = await patient.post("/api/invitations/accept", { token, code: response.json.code, email: "mfa-patient@example.test", displayName: "試験 太郎", password: "patient passphrase long" });
    assert.equal(accepted.json.stage, "enrolment_required");
    assert.equal((await patient.get("/api/me/access-history")).status, 401);
  });

  it("shows the staff member's name when the organisation chose to", async () => {
    const doctor = await app.signedInUser("doctor");
    const patientId = (await doctor.client.post("/fhir/R4/Patient", buildPatient({ email: "named@example.test" }), fhir)).json.id as string;
    const { response, token } = await app.invitePatient(doctor, patientId);
    const patient = app.client();
    await patient.post("/api/invitations/accept", { token, code: response.json.code, email: "named@example.test", displayName: "試験 次郎", password: "patient passphrase long" });
    const { secret } = (await patient.post("/api/auth/totp/enrolment")).json as { secret: string };
    const confirmed = await patient.post("/api/auth/totp/enrolment/confirm", { code: await generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) }) });
    assert.equal(confirmed.json.stage, "active");
    const items = (await patient.get("/api/me/access-history")).json.items as Array<{ kind: string; staffName?: string }>;
    assert.deepEqual(items.map((item) => [item.kind, item.staffName]), [
      ["viewed", `試験 ${doctor.email}`],
      ["viewed", `試験 ${doctor.email}`],
      ["created", `試験 ${doctor.email}`],
    ]);
  });
});
