import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PDFDocument } from "pdf-lib";
import { createPatient, startTestApp, type SignedInUser, type TestApp } from "../src/testing/index.js";
import { charactersWithoutOutline, inkShare, renderPdfPages } from "../src/testing/pdf-pages.js";

// The route is in src/http/routes/portal-export.ts; it is registered once the records module has everything().

describe("GET /api/portal/export.pdf: the patient's readable copy", { timeout: 60_000 }, () => {
  let app: TestApp;
  let doctor: SignedInUser;
  let patientId = "";

  before(async () => {
    app = await startTestApp();
    doctor = await app.signedInUser("doctor");
    patientId = await createPatient(doctor, { familyKanji: "源", givenKanji: "頼朝", birthDate: "1947-05-09" });
    const allergy = await doctor.client.post(
      "/fhir/R4/AllergyIntolerance",
      {
        resourceType: "AllergyIntolerance",
        patient: { reference: `Patient/${patientId}` },
        code: { text: "ペニシリン" },
        // R4 ait-1: a clinical status unless the entry was entered in error.
        clinicalStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", code: "active" }] },
      },
      { contentType: "application/fhir+json" },
    );
    assert.equal(allergy.status, 201, allergy.text);
  });
  after(() => app?.close());

  it("gives the patient their own record as an A4 PDF with the Japanese title, never cached", async () => {
    const patient = await app.signedInPatient(doctor, patientId);
    const response = await patient.client.get("/api/portal/export.pdf");
    assert.equal(response.status, 200, response.text);
    assert.equal(response.headers["content-type"], "application/pdf");
    assert.equal(response.headers["cache-control"], "no-store");
    assert.match(String(response.headers["content-disposition"]), /^attachment;/);
    const pdf = await PDFDocument.load(response.body);
    assert.equal(pdf.getTitle(), "私の診療記録");
    assert.ok(pdf.getPageCount() >= 1);
    // What prints, not only the text layer: every character has an outline, and the first page carries ink.
    assert.deepEqual(await charactersWithoutOutline(response.body), []);
    const [first] = await renderPdfPages(response.body);
    assert.ok(inkShare(first!) > 0.002, `first page is nearly blank: ${inkShare(first!)}`);
  });

  it("refuses staff accounts and anonymous requests", async () => {
    assert.equal((await doctor.client.get("/api/portal/export.pdf")).status, 403);
    assert.equal((await app.client().get("/api/portal/export.pdf")).status, 401);
  });
});
