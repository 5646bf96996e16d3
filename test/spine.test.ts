import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createManualClock } from "../src/kernel/index.js";
import { buildPatient, startTestApp, type TestApp } from "../src/testing/index.js";

// The walking skeleton end to end: MFA sign-in → authorized, encrypted, audited FHIR read.
describe("MFA sign-in to an audited FHIR read", () => {
  const clock = createManualClock();
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ clock });
  });
  after(() => app.close());

  it("lets a doctor create and read a patient, and audits both before answering", async () => {
    const doctor = await app.signedInUser("doctor");
    const created = await doctor.client.post("/fhir/R4/Patient", buildPatient(), { contentType: "application/fhir+json" });
    assert.equal(created.status, 201);
    assert.equal(created.headers["etag"], 'W/"1"');
    const id = created.json.id as string;
    assert.ok(String(created.headers["location"]).endsWith(`/fhir/R4/Patient/${id}/_history/1`), String(created.headers["location"]));

    const read = await doctor.client.get(`/fhir/R4/Patient/${id}`);
    assert.equal(read.status, 200);
    assert.equal(read.json.name[0].family, "試験");
    assert.equal(read.json.meta.versionId, "1");
    assert.equal(read.headers["cache-control"], "no-store");

    const entries = await app.mamori.db.kysely
      .withTables<{ audit_entry: { seq: number; entry: { action: string; outcome: string; patientId?: string; actor: { accountId?: string } } } }>()
      .selectFrom("audit_entry")
      .select(["seq", "entry"])
      .orderBy("seq")
      .execute();
    const forPatient = entries.filter((row) => row.entry.patientId === id).map((row) => [row.entry.action, row.entry.outcome, row.entry.actor.accountId]);
    assert.deepEqual(forPatient, [
      ["fhir.create", "success", doctor.accountId],
      ["fhir.read", "success", doctor.accountId],
    ]);
  });

  it("requires the second factor: a password alone reads nothing (AUTH-2)", async () => {
    const doctor = await app.signedInUser("doctor");
    const created = await doctor.client.post("/fhir/R4/Patient", buildPatient(), { contentType: "application/fhir+json" });
    const fresh = app.client();
    const login = await fresh.post("/api/auth/login", { email: doctor.email, password: doctor.password });
    assert.equal(login.status, 200);
    assert.equal(login.json.stage, "mfa_required");
    const blocked = await fresh.get(`/fhir/R4/Patient/${created.json.id}`);
    assert.equal(blocked.status, 401);
    assert.equal(blocked.json.resourceType, "OperationOutcome");

    clock.advance(30_000); // the enrolment code's time step cannot be used twice
    const verified = await fresh.post("/api/auth/totp/verify", { code: await doctor.totpCode() });
    assert.equal(verified.status, 200);
    assert.equal(verified.json.stage, "active");
    assert.equal((await fresh.get(`/fhir/R4/Patient/${created.json.id}`)).status, 200);
  });

  it("refuses an administrator clinical data as not found (404) and audits the denial (ACC-2)", async () => {
    const doctor = await app.signedInUser("doctor");
    const created = await doctor.client.post("/fhir/R4/Patient", buildPatient(), { contentType: "application/fhir+json" });
    const admin = await app.signedInUser("admin");
    const denied = await admin.client.get(`/fhir/R4/Patient/${created.json.id}`);
    assert.equal(denied.status, 404);
    assert.equal(denied.json.resourceType, "OperationOutcome");
    assert.equal(denied.json.issue[0].code, "not-found");
    assert.equal(denied.text.includes("試験"), false);

    const createDenied = await admin.client.post("/fhir/R4/Patient", buildPatient(), { contentType: "application/fhir+json" });
    assert.equal(createDenied.status, 403);

    const rows = await app.mamori.db.kysely
      .withTables<{ audit_entry: { seq: number; entry: { action: string; outcome: string; reasonCode?: string; patientId?: string; actor: { accountId?: string } } } }>()
      .selectFrom("audit_entry")
      .select("entry")
      .execute();
    const denial = rows.find((row) => row.entry.actor.accountId === admin.accountId && row.entry.action === "fhir.read");
    assert.equal(denial?.entry.outcome, "denied");
    assert.equal(denial?.entry.reasonCode, "access.admin_no_clinical");
    assert.equal(denial?.entry.patientId, created.json.id);
  });
});
