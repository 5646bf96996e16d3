import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import type net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { PDFDocument } from "pdf-lib";
import sharp from "sharp";
import { eicarTestString } from "../src/uploads/index.js";
import { buildPatient, startFakeClamd, startTestApp, uploadCorpus, type SignedInUser, type TestApp } from "../src/testing/index.js";

// MAL-1 (PHR guideline: uploaded files must not carry malicious content into the system), ACC-1/ACC-2, LOG-1.
describe("POST/GET /fhir/R4/Binary and GET /api/uploads/quarantine", () => {
  let app: TestApp;
  let doctor: SignedInUser;
  let officer: SignedInUser;
  let admin: SignedInUser;
  let patientId: string;
  let clamd: net.Server;
  let clamdDir: string;

  before(async () => {
    clamdDir = await mkdtemp(path.join(os.tmpdir(), "mamori-clamd-"));
    clamd = await startFakeClamd(path.join(clamdDir, "clamd.sock"));
    app = await startTestApp({ env: { CLAMAV_SOCKET: path.join(clamdDir, "clamd.sock"), MAMORI_UPLOAD_MAX_MIB: "2", MAMORI_UPLOAD_WORKERS: "1" } });
    admin = await app.signedInUser("admin");
    doctor = await app.signedInUser("doctor");
    officer = await app.signedInUser("security_officer");
    const created = await doctor.client.post("/fhir/R4/Patient", buildPatient(), { contentType: "application/fhir+json" });
    assert.equal(created.status, 201, created.text);
    patientId = created.json.id;
  });
  after(async () => {
    await app?.close();
    await new Promise((resolve) => clamd?.close(resolve));
    await rm(clamdDir, { recursive: true, force: true });
  });

  const upload = (user: SignedInUser, bytes: Buffer, contentType: string, patient = patientId) =>
    user.client.post("/fhir/R4/Binary", bytes, { contentType, headers: { "x-mamori-patient": patient } });
  /** A browser's download: it names no FHIR format in Accept, so it gets the file itself (R4 binary.html). */
  const download = (user: SignedInUser, id: string) => user.client.get(`/fhir/R4/Binary/${id}`, { accept: "*/*" });

  it("stores a sanitised JPEG as a Binary and serves it as an attachment the browser may not sniff or run", async () => {
    const created = await upload(doctor, await uploadCorpus.jpegWithGps(), "image/jpeg");
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.resourceType, "Binary");
    assert.equal(created.json.contentType, "image/jpeg");
    assert.deepEqual(created.json.securityContext, { reference: `Patient/${patientId}` });
    assert.ok(String(created.headers.location).endsWith(`/fhir/R4/Binary/${created.json.id}`), String(created.headers.location));

    const read = await download(doctor, created.json.id);
    assert.equal(read.status, 200);
    assert.equal(read.headers["content-type"], "image/jpeg");
    assert.equal(read.headers["content-disposition"], `attachment; filename="${created.json.id}.jpg"`);
    assert.equal(read.headers["x-content-type-options"], "nosniff");
    assert.equal(read.headers["cache-control"], "no-store");
    assert.equal(read.headers["content-security-policy"], "default-src 'none'; sandbox");
    const meta = await sharp(read.body).metadata();
    assert.equal(meta.exif, undefined);
    assert.equal(meta.icc, undefined);
    assert.equal(meta.xmp, undefined);
  });

  it("converts a GPS-tagged HEIC upload to a metadata-free JPEG of the same dimensions", async () => {
    const created = await upload(doctor, uploadCorpus.heicWithGps(), "image/heic");
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.contentType, "image/jpeg");
    const read = await download(doctor, created.json.id);
    assert.equal(read.status, 200);
    assert.equal(read.headers["content-type"], "image/jpeg");
    const meta = await sharp(read.body).metadata();
    assert.equal(meta.format, "jpeg");
    assert.deepEqual([meta.width, meta.height], [64, 48]);
    assert.equal(meta.exif, undefined);
    assert.equal(meta.xmp, undefined);
    assert.equal(meta.icc, undefined);
  });

  it("stores a rebuilt PDF without its JavaScript, and plain text (with a charset parameter) as it is", async () => {
    const created = await upload(doctor, await uploadCorpus.hostilePdf("javascript-open-action"), "application/pdf");
    assert.equal(created.status, 201, created.text);
    const read = await download(doctor, created.json.id);
    assert.ok(!read.body.includes("/JavaScript") && !read.body.includes("/OpenAction"));
    assert.equal((await PDFDocument.load(read.body)).getPageCount(), 1);

    const text = await upload(doctor, Buffer.from("血圧 120/80\n"), "text/plain; charset=utf-8");
    assert.equal(text.status, 201, text.text);
    const readText = await download(doctor, text.json.id);
    assert.equal(readText.text, "血圧 120/80\n");
    assert.equal(readText.headers["content-type"], "text/plain; charset=utf-8");
  });

  const refusals: Array<[string, () => Promise<Buffer> | Buffer, string, string, number]> = [
    ["EICAR", () => Buffer.from(eicarTestString()), "text/plain", "uploads.malware", 422],
    ["a zip", () => uploadCorpus.zip(), "application/pdf", "uploads.unsupported_type", 415],
    ["a pixel bomb", () => uploadCorpus.pngBomb(), "image/png", "uploads.pixel_limit", 422],
    ["a HEIC pixel bomb", () => uploadCorpus.heicBomb(), "image/heic", "uploads.pixel_limit", 422],
    ["a JPEG with a zip appended", async () => Buffer.concat([await uploadCorpus.jpegWithGps(), uploadCorpus.zip()]), "image/jpeg", "uploads.polyglot", 422],
    ["text with a script", () => Buffer.from("<script>fetch('/api')</script>"), "text/csv", "uploads.active_content", 422],
    ["an encrypted PDF", () => uploadCorpus.encryptedPdf(), "application/pdf", "uploads.encrypted_pdf", 422],
    ["a PNG declared as JPEG", () => uploadCorpus.png(), "image/jpeg", "uploads.type_mismatch", 415],
  ];
  for (const [name, build, contentType, code, status] of refusals) {
    it(`refuses ${name} with ${code} and quarantines it`, async () => {
      const refused = await upload(doctor, await build(), contentType);
      assert.equal(refused.status, status, refused.text);
      assert.equal(refused.json.resourceType, "OperationOutcome");
      assert.equal(refused.json.issue[0].details.coding[0].code, code);
    });
  }

  it("refuses undeclared types and bodies over the size limit before reading them", async () => {
    assert.equal((await upload(doctor, Buffer.from("<svg/>"), "image/svg+xml")).status, 415);
    assert.equal((await upload(doctor, Buffer.from("<p>x</p>"), "text/html")).status, 415);
    assert.equal((await upload(doctor, Buffer.alloc(3 * 1024 * 1024, 0x61), "text/plain")).status, 413);
  });

  it("shows the security officer every refusal with its reason, without the file, and audits each outcome", async () => {
    const listed = await officer.client.get("/api/uploads/quarantine");
    assert.equal(listed.status, 200, listed.text);
    const reasons = listed.json.items.map((item: { reasonCode: string }) => item.reasonCode).sort();
    assert.deepEqual(reasons, refusals.map(([, , , code]) => code).sort());
    for (const item of listed.json.items) {
      assert.match(item.sha256, /^[0-9a-f]{64}$/);
      assert.equal(item.uploaderId, doctor.accountId);
      assert.equal("body" in item, false);
    }
    const audit = await officer.client.get("/api/audit/entries?limit=200");
    const actions = audit.json.entries.map((entry: { action: string; reasonCode?: string }) => `${entry.action}:${entry.reasonCode ?? ""}`);
    assert.ok(actions.includes("upload.refuse:uploads.malware"));
    assert.ok(actions.filter((action: string) => action.startsWith("upload.accept:")).length >= 3);
    assert.ok(actions.some((action: string) => action.startsWith("upload.read:")));
  });

  it("takes a FHIR Binary in JSON through the same sanitiser and quarantine, and answers FHIR JSON when asked for it", async () => {
    const binary = (bytes: Buffer, contentType: string) => ({ resourceType: "Binary", contentType, securityContext: { reference: `Patient/${patientId}` }, data: bytes.toString("base64") });
    const created = await doctor.client.post("/fhir/R4/Binary", binary(await uploadCorpus.jpegWithGps(), "image/jpeg"), { contentType: "application/fhir+json" });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.json, { resourceType: "Binary", id: created.json.id, contentType: "image/jpeg", securityContext: { reference: `Patient/${patientId}` } });

    const read = await doctor.client.get(`/fhir/R4/Binary/${created.json.id}`, { accept: "application/fhir+json" });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.headers["content-type"], "application/fhir+json; charset=utf-8");
    assert.equal(read.headers["cache-control"], "no-store");
    assert.equal(read.json.securityContext.reference, `Patient/${patientId}`);
    const bytes = Buffer.from(read.json.data, "base64");
    assert.equal((await sharp(bytes).metadata()).exif, undefined);
    assert.deepEqual((await download(doctor, created.json.id)).body, bytes, "the JSON carries the same sanitised file");

    const mismatch = await doctor.client.post("/fhir/R4/Binary", binary(await uploadCorpus.png(), "image/jpeg"), { contentType: "application/fhir+json" });
    assert.equal(mismatch.status, 415, mismatch.text);
    assert.equal(mismatch.json.issue[0].details.coding[0].code, "uploads.type_mismatch");
    const quarantined = await officer.client.get("/api/uploads/quarantine");
    assert.ok(quarantined.json.items.some((item: { reasonCode: string; declaredType: string; detectedType?: string }) => item.reasonCode === "uploads.type_mismatch" && item.declaredType === "image/jpeg" && item.detectedType === "image/png"));
    const noPatient = await doctor.client.post("/fhir/R4/Binary", await uploadCorpus.png(), { contentType: "image/png" });
    assert.equal(noPatient.status, 400);
    assert.deepEqual(noPatient.json.issue[0].expression, ["X-Mamori-Patient"]);
  });

  it("states Binary in the CapabilityStatement as it is served: create and read only, with the accepted types", async () => {
    const metadata = await doctor.client.get("/fhir/R4/metadata");
    const entry = metadata.json.rest[0].resource.find((resource: { type: string }) => resource.type === "Binary");
    assert.deepEqual(entry.interaction, [{ code: "read" }, { code: "create" }]);
    assert.equal(entry.searchParam, undefined);
    assert.equal(entry.conditionalCreate, false);
    for (const type of ["image/jpeg", "image/heic", "application/pdf", "text/csv"]) assert.ok(entry.documentation.includes(type), type);
  });

  it("lets no administrator upload or read files, and no doctor read the quarantine", async () => {
    const created = await upload(doctor, await uploadCorpus.png(), "image/png");
    assert.equal((await upload(admin, await uploadCorpus.png(), "image/png")).status, 403);
    const read = await admin.client.get(`/fhir/R4/Binary/${created.json.id}`);
    assert.equal(read.status, 404);
    assert.equal(read.json.issue[0].details.coding[0].code, "fhir.not_found");
    assert.equal((await doctor.client.get("/api/uploads/quarantine")).status, 403);
    assert.equal((await officer.client.get(`/fhir/R4/Binary/${created.json.id}`)).status, 404);
    assert.equal((await app.client().get(`/fhir/R4/Binary/${created.json.id}`)).status, 401);
  });

  it("lets a patient add files to their own record and read them back, and no one else's (PHR-1)", async () => {
    const patient = await app.signedInPatient(doctor, patientId);
    const other = await doctor.client.post("/fhir/R4/Patient", buildPatient(), { contentType: "application/fhir+json" });
    const post = (bytes: Buffer, patient: string, client = doctor.client) => client.post("/fhir/R4/Binary", bytes, { contentType: "image/png", headers: { "x-mamori-patient": patient } });
    const own = await post(await uploadCorpus.png(), patientId, patient.client);
    assert.equal(own.status, 201, own.text);
    assert.equal((await patient.client.get(`/fhir/R4/Binary/${own.json.id}`)).status, 200);
    assert.equal((await post(await uploadCorpus.png(), other.json.id, patient.client)).status, 403);
    const theirs = await post(await uploadCorpus.png(), other.json.id);
    const refused = await patient.client.get(`/fhir/R4/Binary/${theirs.json.id}`);
    assert.equal(refused.status, 404);
    // Someone else's file is refused exactly like an unknown id: existence does not leak.
    const unknown = await patient.client.get("/fhir/R4/Binary/00000000-0000-4000-8000-000000000404");
    assert.deepEqual([unknown.status, unknown.json], [refused.status, refused.json]);
  });

  it("encrypts stored files under the patient's data key: the database holds no clear bytes", async () => {
    const marker = "UNIQUE-CLEAR-MARKER-4711";
    const created = await upload(doctor, Buffer.from(marker), "text/plain");
    const rows = await app.mamori.db.kysely
      .withTables<{ uploads_blob: { id: string; body: Uint8Array; data_key_id: string }; fhir_patient_key: { patient_id: string; data_key_id: string } }>()
      .selectFrom("uploads_blob")
      .innerJoin("fhir_patient_key", "fhir_patient_key.data_key_id", "uploads_blob.data_key_id")
      .select(["uploads_blob.body", "fhir_patient_key.patient_id"])
      .where("uploads_blob.id", "=", created.json.id)
      .execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.patient_id, patientId);
    assert.ok(!Buffer.from(rows[0]!.body).includes(marker));
  });
});
