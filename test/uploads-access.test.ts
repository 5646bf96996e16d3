import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { buildDenyingConsent, createPatient, startTestApp, treatmentPurpose, uploadCorpus, type SignedInUser, type TestApp, type TestClient } from "../src/testing/index.js";

const fhir = { contentType: "application/fhir+json" };
const reason = "Unconscious patient brought to the emergency room";
const unknownPatient = "00000000-0000-4000-8000-0000000000fe";
const unknownFile = "00000000-0000-4000-8000-000000000404";

// ACC-1 (need-to-know), ACC-3 (break-glass), ACC-4 (consent), LOG-1: a patient's files are decided and audited
// exactly as the patient's other clinical records.
describe("FHIR Binary access follows the patient's record rules", () => {
  let app: TestApp;
  let registrar: SignedInUser;
  let careDoctor: SignedInUser;
  let careNurse: SignedInUser;
  let stranger: SignedInUser;
  let emergencyDoctor: SignedInUser;
  let officer: SignedInUser;
  let patientId: string;
  /** A file of the patient, added by the registering doctor. */
  let fileId: string;

  before(async () => {
    app = await startTestApp({ env: { MAMORI_UPLOAD_WORKERS: "1" } });
    const admin = await app.signedInUser("admin");
    registrar = await app.signedInUser("doctor");
    careDoctor = await app.signedInUser("doctor");
    careNurse = await app.signedInUser("nurse");
    stranger = await app.signedInUser("doctor");
    emergencyDoctor = await app.signedInUser("doctor");
    officer = await app.signedInUser("security_officer");
    for (const [user, practitionerId] of [[careDoctor, "pr-upload-doctor"], [careNurse, "pr-upload-nurse"]] as const) {
      const linked = await admin.client.request("PUT", `/api/admin/accounts/${user.accountId}/practitioner`, { body: { practitionerId } });
      assert.equal(linked.status, 204, linked.text);
    }
    patientId = await createPatient(registrar);
    const careTeam = {
      resourceType: "CareTeam",
      status: "active",
      subject: { reference: `Patient/${patientId}` },
      participant: [{ member: { reference: "Practitioner/pr-upload-doctor" } }, { member: { reference: "Practitioner/pr-upload-nurse" } }],
    };
    assert.equal((await registrar.client.post("/fhir/R4/CareTeam", careTeam, fhir)).status, 201);
    const created = await upload(registrar.client, patientId);
    assert.equal(created.status, 201, created.text);
    fileId = created.json.id;
  });
  after(() => app?.close());

  const upload = async (client: TestClient, patient: string) => client.post("/fhir/R4/Binary", await uploadCorpus.png(), { contentType: "image/png", headers: { "x-mamori-patient": patient } });
  const read = (client: TestClient, id: string) => client.get(`/fhir/R4/Binary/${id}`, { accept: "*/*" });
  const auditOf = async (action: string, accountId: string) =>
    ((await officer.client.get(`/api/audit/entries?action=${action}&limit=200`)).json.entries as Array<Record<string, unknown>>).filter((entry) => entry["accountId"] === accountId);

  it("lets a doctor of the patient's care team add and read files, and a nurse of it read them but not add them, as for records", async () => {
    const added = await upload(careDoctor.client, patientId);
    assert.equal(added.status, 201, added.text);
    assert.equal((await read(careDoctor.client, fileId)).status, 200);
    assert.equal((await read(careNurse.client, added.json.id)).status, 200);
    const nurseUpload = await upload(careNurse.client, patientId);
    assert.equal(nurseUpload.status, 403);
    assert.equal(nurseUpload.json.issue[0].details.coding[0].code, "access.denied");
    const [accepted] = await auditOf("upload.accept", careDoctor.accountId);
    assert.deepEqual([accepted?.["outcome"], accepted?.["patientId"], accepted?.["breakGlass"] === true], ["success", patientId, false]);
    assert.match(String(accepted?.["reasonCode"]), /doctor-clinical-records/);
  });

  it("refuses a doctor outside the patient's care, who learns nothing: the file answers as a file that does not exist", async () => {
    const refusedUpload = await upload(stranger.client, patientId);
    assert.equal(refusedUpload.status, 403);
    assert.equal(refusedUpload.json.issue[0].details.coding[0].code, "access.denied");
    const theirs = await read(stranger.client, fileId);
    const none = await read(stranger.client, unknownFile);
    assert.equal(theirs.status, 404);
    assert.equal(theirs.json.issue[0].details.coding[0].code, "fhir.not_found");
    assert.deepEqual([theirs.status, theirs.headers["content-type"], theirs.json], [none.status, none.headers["content-type"], none.json]);
    // The refusal is audited as denied, with its reason, in the patient's access history; the unknown id as not found.
    const reads = await auditOf("upload.read", stranger.accountId);
    assert.deepEqual(
      reads.map((entry) => [entry["resourceId"], entry["outcome"], entry["reasonCode"], entry["patientId"] ?? null]).sort(),
      [[fileId, "denied", "access.no_permission", patientId], [unknownFile, "failure", "fhir.not_found", null]].sort(),
    );
    const [refused] = await auditOf("upload.refuse", stranger.accountId);
    assert.deepEqual([refused?.["outcome"], refused?.["reasonCode"], refused?.["patientId"]], ["denied", "access.no_permission", patientId]);
  });

  it("opens a patient's files to a doctor with an emergency grant, every use audited as break-glass (ACC-3)", async () => {
    assert.equal((await upload(emergencyDoctor.client, patientId)).status, 403);
    assert.equal((await emergencyDoctor.client.post("/api/break-glass", { patientId, reason })).status, 201);
    const added = await upload(emergencyDoctor.client, patientId);
    assert.equal(added.status, 201, added.text);
    assert.equal((await read(emergencyDoctor.client, fileId)).status, 200);
    for (const action of ["upload.accept", "upload.read"]) {
      const [entry] = await auditOf(action, emergencyDoctor.accountId);
      assert.deepEqual([entry?.["outcome"], entry?.["breakGlass"], entry?.["patientId"]], ["success", true, patientId], action);
      assert.match(String(entry?.["reasonCode"]), /^access\.break_glass:/, action);
    }
    // Both uses counted for the security officer's review of the grant.
    const reviews = (await officer.client.get("/api/break-glass/reviews")).json.items as Array<{ account: { id: string }; accessCount: number }>;
    assert.equal(reviews.find((item) => item.account.id === emergencyDoctor.accountId)?.accessCount, 2);
  });

  it("refuses a file for a Patient that does not exist, saying so only to whom the Patient would be readable", async () => {
    const binary = { resourceType: "Binary", contentType: "text/plain", securityContext: { reference: `Patient/${unknownPatient}` }, data: Buffer.from("血圧 120/80\n").toString("base64") };
    const json = await registrar.client.post("/fhir/R4/Binary", binary, fhir);
    assert.equal(json.status, 422, json.text);
    assert.equal(json.json.issue[0].details.coding[0].code, "fhir.invalid_reference");
    assert.deepEqual(json.json.issue[0].expression, ["Binary.securityContext"]);
    const raw = await upload(registrar.client, unknownPatient);
    assert.deepEqual([raw.status, raw.json.issue[0].expression], [422, ["X-Mamori-Patient"]]);
    const refused = await auditOf("upload.refuse", registrar.accountId);
    assert.ok(refused.every((entry) => entry["outcome"] === "failure" && entry["reasonCode"] === "fhir.invalid_reference" && entry["patientId"] === unknownPatient));
    assert.equal(refused.length, 2);

    // A patient may not learn whether another patient exists: the same refusal as for an existing one.
    const portal = await app.signedInPatient(registrar, patientId);
    const otherPatient = await createPatient(registrar);
    const missing = await upload(portal.client, unknownPatient);
    const existing = await upload(portal.client, otherPatient);
    assert.equal(missing.status, 403);
    assert.deepEqual([missing.status, missing.json], [existing.status, existing.json]);
  });

  // ACC-4: the patient's consent closes the files with the rest of the record; only an emergency grant overrides it.
  it("closes the files to the patient's doctors when the patient's consent refuses treatment access, until an emergency grant", async () => {
    const consentingId = await createPatient(registrar);
    const earlier = await upload(registrar.client, consentingId);
    assert.equal(earlier.status, 201, earlier.text);
    const portal = await app.signedInPatient(registrar, consentingId);
    const consent = buildDenyingConsent(consentingId, { purpose: [treatmentPurpose] });
    assert.equal((await portal.client.post("/fhir/R4/Consent", consent, fhir)).status, 201);
    assert.equal((await read(registrar.client, earlier.json.id)).status, 404);
    assert.equal((await upload(registrar.client, consentingId)).status, 403);
    const [refused] = (await auditOf("upload.read", registrar.accountId)).filter((entry) => entry["resourceId"] === earlier.json.id);
    assert.deepEqual([refused?.["outcome"], refused?.["reasonCode"]], ["denied", "access.consent_denied"]);
    // The patient still reads their own file.
    assert.equal((await read(portal.client, earlier.json.id)).status, 200);

    assert.equal((await registrar.client.post("/api/break-glass", { patientId: consentingId, reason })).status, 201);
    assert.equal((await read(registrar.client, earlier.json.id)).status, 200);
    assert.equal((await upload(registrar.client, consentingId)).status, 201);
  });
});
