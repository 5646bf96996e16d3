import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock } from "../kernel/index.js";
import { buildDenyingConsent, createPatient, startTestApp, treatmentPurpose, type SignedInUser, type TestApp } from "../testing/index.js";
import { createAccess, type Access } from "./index.js";

const minuteMs = 60_000;
const reason = "Unconscious patient brought to the emergency room";

describe("break-glass, review queue, care relationships and practitioner links (HTTP)", () => {
  const clock = createManualClock(new Date());
  let app: TestApp;
  let admin: SignedInUser;
  let doctor: SignedInUser;
  let nurse: SignedInUser;
  let pharmacist: SignedInUser;
  let clerk: SignedInUser;
  let officer: SignedInUser;
  let patientId: string;
  let access: Access;

  before(async () => {
    app = await startTestApp({ clock, env: {
        MAMORI_IDS_POLL_MS: "50",
        // The clock moves past grant expiry and the review limit; the test's sessions must outlive that.
        MAMORI_SESSION_IDLE_MINUTES: "1440",
        MAMORI_SESSION_ABSOLUTE_HOURS: "168",
        MAMORI_COMPLIANCE_BREAK_GLASS_REVIEW_DAYS: "1",
      }, });
    admin = await app.signedInUser("admin");
    doctor = await app.signedInUser("doctor");
    nurse = await app.signedInUser("nurse");
    pharmacist = await app.signedInUser("pharmacist");
    clerk = await app.signedInUser("clerk");
    officer = await app.signedInUser("security_officer");
    patientId = await createPatient(doctor);
    access = await createAccess();
  });
  after(() => app.close());

  const auditOf = async (action: string) => (await officer.client.get(`/api/audit/entries?action=${action}`)).json.entries as Array<Record<string, unknown>>;

  it("grants care-giving roles emergency access for MAMORI_BREAK_GLASS_MINUTES, audited as access.break_glass", async () => {
    const granted = await nurse.client.post("/api/break-glass", { patientId, reason });
    assert.equal(granted.status, 201);
    assert.equal(granted.json.patientId, patientId);
    assert.equal(new Date(granted.json.expiresAt).getTime(), clock.now().getTime() + 60 * minuteMs);
    assert.equal((await pharmacist.client.post("/api/break-glass", { patientId, reason })).status, 201);

    const mine = await nurse.client.get("/api/break-glass/mine");
    assert.deepEqual(
      mine.json.grants.map((grant: Record<string, unknown>) => [grant["id"], grant["patientId"], grant["reason"]]),
      [[granted.json.id, patientId, reason]],
    );
    const entries = await auditOf("access.break_glass");
    const entry = entries.find((candidate) => candidate["resourceId"] === granted.json.id);
    assert.deepEqual([entry?.["outcome"], entry?.["breakGlass"], entry?.["patientId"], entry?.["accountId"]], ["success", true, patientId, nurse.accountId]);
  });

  it("raises an intrusion detection alert (rule break_glass) for the security officer", async () => {
    const deadline = Date.now() + 8_000;
    const alertsFor = async () => (await officer.client.get("/api/security/alerts")).json.alerts as Array<Record<string, unknown>>;
    let alerts = await alertsFor();
    while (!alerts.some((alert) => alert["ruleId"] === "break_glass" && alert["accountId"] === nurse.accountId) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      alerts = await alertsFor();
    }
    assert.ok(alerts.some((alert) => alert["ruleId"] === "break_glass" && alert["accountId"] === nurse.accountId));
  });

  it("refuses other roles, a short or long reason, and an unknown patient", async () => {
    for (const user of [clerk, admin, officer]) {
      const refused = await user.client.post("/api/break-glass", { patientId, reason });
      assert.equal(refused.status, 403);
    }
    assert.equal((await doctor.client.post("/api/break-glass", { patientId, reason: "too short" })).status, 400);
    assert.equal((await doctor.client.post("/api/break-glass", { patientId, reason: "x".repeat(501) })).status, 400);
    // Ten characters after trimming is the floor, counted in characters (Japanese text counts per character).
    assert.equal((await doctor.client.post("/api/break-glass", { patientId, reason: "意識障害で救急搬送された患者" })).status, 201);
    assert.equal((await doctor.client.post("/api/break-glass", { patientId: "no-such-patient", reason })).status, 404);
    const denied = await auditOf("access.break_glass");
    assert.ok(denied.some((entry) => entry["outcome"] === "denied" && entry["accountId"] === clerk.accountId));
  });

  it("lets a grant expire", async () => {
    clock.advance(61 * minuteMs);
    assert.deepEqual((await nurse.client.get("/api/break-glass/mine")).json.grants, []);
  });

  it("queues every grant for the security officer, who closes each review once (audited)", async () => {
    assert.equal((await doctor.client.get("/api/break-glass/reviews?status=open")).status, 403);
    const open = await officer.client.get("/api/break-glass/reviews?status=open");
    assert.equal(open.status, 200);
    const nurseGrant = open.json.items.find((item: Record<string, { id: string }>) => item["account"]!.id === nurse.accountId);
    assert.equal(nurseGrant.patientId, patientId);
    assert.equal(nurseGrant.status, "open");
    assert.equal(nurseGrant.accessCount, 0);
    assert.match(nurseGrant.account.displayName, /試験/);

    assert.equal((await doctor.client.post(`/api/break-glass/reviews/${nurseGrant.id}`, { outcome: "justified", note: "救急搬送、記録と一致" })).status, 403);
    const closed = await officer.client.post(`/api/break-glass/reviews/${nurseGrant.id}`, { outcome: "justified", note: "救急搬送、記録と一致" });
    assert.equal(closed.status, 200);
    assert.equal((await officer.client.post(`/api/break-glass/reviews/${nurseGrant.id}`, { outcome: "unjustified", note: "again" })).status, 404);
    const closedList = await officer.client.get("/api/break-glass/reviews?status=closed");
    const reviewed = closedList.json.items.find((item: { id: string }) => item.id === nurseGrant.id);
    assert.deepEqual([reviewed.status, reviewed.outcome, reviewed.note, typeof reviewed.reviewedAt], ["closed", "justified", "救急搬送、記録と一致", "string"]);
    const audited = await auditOf("access.break_glass_review");
    assert.ok(audited.some((entry) => entry["resourceId"] === nurseGrant.id && entry["outcome"] === "success" && entry["reasonCode"] === "access.review_justified"));
  });

  it("reports ACC-3 not met while a grant waits longer than the review limit, met once all are reviewed", async () => {
    const controlStatus = async () => ((await officer.client.get("/api/compliance/report")).json.controls as Array<{ id: string; status: string }>).find((control) => control.id === "ACC-3")?.status;
    // 25 hours in two steps, every session used in between so none reaches the idle limit.
    clock.advance(13 * 60 * minuteMs);
    for (const user of [admin, doctor, nurse, pharmacist, clerk, officer]) assert.equal((await user.client.get("/api/session")).status, 200);
    clock.advance(12 * 60 * minuteMs);
    assert.equal(await controlStatus(), "not_met");
    for (const item of (await officer.client.get("/api/break-glass/reviews?status=open")).json.items as Array<{ id: string }>) {
      assert.equal((await officer.client.post(`/api/break-glass/reviews/${item.id}`, { outcome: "unjustified", note: "説明不足" })).status, 200);
    }
    assert.equal(await controlStatus(), "met");
    const consent = ((await officer.client.get("/api/compliance/report")).json.controls as Array<{ id: string; status: string }>).find((control) => control.id === "ACC-4");
    assert.equal(consent?.status, "met");
  });

  it("lets an administrator link a staff account to its Practitioner and department, which care relationships follow", async () => {
    const link = { practitionerId: "pr-nurse-1", departmentId: "org-internal-medicine" };
    assert.equal((await doctor.client.request("PUT", `/api/admin/accounts/${nurse.accountId}/practitioner`, { body: link })).status, 403);
    assert.equal((await admin.client.request("PUT", "/api/admin/accounts/00000000-0000-4000-8000-000000000999/practitioner", { body: link })).status, 404);
    assert.equal((await admin.client.request("PUT", `/api/admin/accounts/${nurse.accountId}/practitioner`, { body: { practitionerId: "bad/id" } })).status, 400);
    assert.equal((await admin.client.request("PUT", `/api/admin/accounts/${nurse.accountId}/practitioner`, { body: link })).status, 204);
    const linked = await auditOf("access.practitioner_link");
    assert.ok(linked.some((entry) => entry["resourceId"] === nurse.accountId && entry["outcome"] === "success"));

    assert.deepEqual((await nurse.client.get("/api/care/patients")).json.patients, []);
    const kysely = app.mamori.db.kysely;
    await access.recordWritten(kysely, {
      resource: { resourceType: "CareTeam", id: "ct-http", status: "active", participant: [{ member: { reference: "Practitioner/pr-nurse-1" } }] },
      patientId,
      deleted: false,
      authorAccountId: doctor.accountId,
      authorRoles: ["doctor"],
    });
    await access.recordWritten(kysely, {
      resource: { resourceType: "Encounter", id: "enc-http", status: "in-progress", serviceProvider: { reference: "Organization/org-internal-medicine" } },
      patientId,
      deleted: false,
      authorAccountId: clerk.accountId,
      authorRoles: ["clerk"],
    });
    assert.deepEqual((await nurse.client.get("/api/care/patients")).json.patients, [{ patientId, sources: ["care_team", "department"] }]);
    // Moved to another department: the department relationship goes with the link, the care team stays.
    assert.equal((await admin.client.request("PUT", `/api/admin/accounts/${nurse.accountId}/practitioner`, { body: { practitionerId: "pr-nurse-1", departmentId: "org-surgery" } })).status, 204);
    assert.deepEqual((await nurse.client.get("/api/care/patients")).json.patients, [{ patientId, sources: ["care_team"] }]);
  });

  const writes = (allowed: Record<string, string[]>) => ({
    AllergyIntolerance: [],
    Condition: [],
    Observation: [],
    Encounter: [],
    MedicationRequest: [],
    DocumentReference: [],
    ...allowed,
  });
  const everyWrite = ["create", "update"];

  it("tells a clinician how it stands with one patient: its relationships and the emergency grant in force", async () => {
    const standing = async (user: SignedInUser, id = patientId) => (await user.client.get(`/api/care/patients/${id}`)).json;
    const doctorWrites = writes(Object.fromEntries(["AllergyIntolerance", "Condition", "Observation", "Encounter", "MedicationRequest", "DocumentReference"].map((type) => [type, everyWrite])));
    assert.deepEqual(await standing(doctor), { patientId, sources: ["registered"], isConsentRefused: false, recordActions: doctorWrites });
    assert.deepEqual(await standing(pharmacist), { patientId, sources: [], isConsentRefused: false, recordActions: writes({}) });
    const granted = await pharmacist.client.post("/api/break-glass", { patientId, reason });
    assert.deepEqual(await standing(pharmacist), { patientId, sources: [], breakGlassExpiresAt: granted.json.expiresAt, isConsentRefused: false, recordActions: writes({ MedicationRequest: ["update"] }) });
    assert.deepEqual(await standing(pharmacist, "no-such-patient"), { patientId: "no-such-patient", sources: [], isConsentRefused: false, recordActions: writes({}) });
    assert.equal((await pharmacist.client.get("/api/care/patients/bad%2Fid")).status, 400);
    assert.equal((await app.client().get(`/api/care/patients/${patientId}`)).status, 401);
  });

  // ACC-1: the chart offers only the writes the record policies allow, decided by the same authorizer.
  it("tells a clinician which clinical records it may create and update: a nurse nursing records, a doctor all", async () => {
    const actions = async (user: SignedInUser) => (await user.client.get(`/api/care/patients/${patientId}`)).json.recordActions;
    assert.deepEqual(await actions(nurse), writes({ AllergyIntolerance: everyWrite, Observation: everyWrite, DocumentReference: everyWrite }));
    assert.deepEqual((await actions(doctor)).Condition, everyWrite);
    // A preview is not a use: the pharmacist's grant counts none of these questions.
    const pharmacistReview = async () =>
      ((await officer.client.get("/api/break-glass/reviews")).json.items as Array<{ account: { id: string }; accessCount: number }>).find((item) => item.account.id === pharmacist.accountId);
    const counted = (await pharmacistReview())?.accessCount;
    assert.equal(typeof counted, "number");
    await actions(pharmacist);
    assert.equal((await pharmacistReview())?.accessCount, counted);
  });

  // ACC-4: a refusal by the patient's consent is reported as such, so the chart does not read as "nothing recorded".
  it("reports that the patient's active consent refuses the clinician's purpose, until an emergency grant overrides it", async () => {
    const refusedId = await createPatient(doctor);
    const portal = await app.signedInPatient(doctor, refusedId);
    const standing = async () => (await doctor.client.get(`/api/care/patients/${refusedId}`)).json;
    const deny = (provision: Record<string, unknown>) => buildDenyingConsent(refusedId, provision);
    const consent = async (provision: Record<string, unknown>) => {
      const created = await portal.client.post("/fhir/R4/Consent", deny(provision), { contentType: "application/fhir+json" });
      assert.equal(created.status, 201, created.text);
    };
    // Another organization refused: this doctor is not concerned.
    await consent({ actor: [{ role: { text: "recipient" }, reference: { reference: "Organization/org-elsewhere" } }] });
    assert.equal((await standing()).isConsentRefused, false);

    await consent({ purpose: [treatmentPurpose] });
    assert.deepEqual(await standing(), { patientId: refusedId, sources: ["registered"], isConsentRefused: true, recordActions: writes({}) });
    assert.equal((await doctor.client.get(`/fhir/R4/Patient/${refusedId}`)).status, 404, "refused like a record that does not exist");

    assert.equal((await doctor.client.post("/api/break-glass", { patientId: refusedId, reason })).status, 201);
    const overridden = await standing();
    assert.equal(overridden.isConsentRefused, false);
    assert.deepEqual(overridden.recordActions.Condition, everyWrite);
  });

  it("invites and re-roles nurses, pharmacists and clerks like any staff role", async () => {
    // A role change needs a recent second factor; the clock has moved on by a day.
    clock.advance(30_000);
    assert.equal((await admin.client.post("/api/auth/reverify", { method: "totp", code: await admin.totpCode() })).status, 200);
    const changed = await admin.client.request("PUT", `/api/admin/accounts/${clerk.accountId}/roles`, { body: { roles: ["clerk", "pharmacist"] } });
    assert.equal(changed.status, 204);
    assert.deepEqual((await clerk.client.get("/api/session")).json.account.roles, ["clerk", "pharmacist"]);
    // Now a pharmacist too: a care-giving role may break the glass.
    assert.equal((await clerk.client.post("/api/break-glass", { patientId, reason })).status, 201);
  });
});
