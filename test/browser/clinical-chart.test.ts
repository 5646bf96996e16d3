import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PDFDocument } from "pdf-lib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createPatient, startTestApp, type SignedInUser, type TestApp, type TestClient } from "../../src/testing/index.js";
import { chromiumSkip, describeViolations, launchChromium, saveScreenshot, seriousAxeViolations, signedInPage } from "./browser-support.js";

const patientNames = { familyKanji: "北条", givenKanji: "政子", familyKana: "ホウジョウ", givenKana: "マサコ" };
const namesOnScreen = Object.values(patientNames);

/** Real time plus an offset the idle test moves forward, in step with the browser's clock. */
const serverClock = { offsetMs: 0, now: () => new Date(Date.now() + serverClock.offsetMs) };

describe("clinical chart, portal and break-glass review (browser)", { skip: chromiumSkip, timeout: 240_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let doctor: SignedInUser;
  let doctorContext: BrowserContext;
  let page: Page;
  let patientId = "";
  const problems: string[] = [];

  before(async () => {
    app = await startTestApp({ clock: serverClock });
    doctor = await app.signedInUser("doctor");
    patientId = await createPatient(doctor, { ...patientNames, patientNumber: "00077001" });
    browser = await launchChromium();
    ({ context: doctorContext, page } = await signedInPage(browser, app.baseUrl, doctor.client, problems));
    // Fake timers that run in real time until the idle test jumps them forward.
    await doctorContext.clock.install();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  const chartPath = () => `/patients/${encodeURIComponent(patientId)}`;

  // A record has one portal account, so the patient's tests share it.
  let portalAccount: ReturnType<TestApp["signedInPatient"]> | undefined;
  const patientPortal = async (): Promise<Page> => {
    portalAccount ??= app.signedInPatient(doctor, patientId);
    return (await signedInPage(browser, app.baseUrl, (await portalAccount).client, problems)).page;
  };

  it("opens the chart by random id with demographics and every chart section, and no name in the URL or title", async () => {
    await page.goto(`${app.baseUrl}${chartPath()}`);
    await page.getByTestId("clinical-chart").waitFor();
    assert.equal(((await page.getByTestId("patient-name-kanji").textContent()) ?? "").trim(), "北条 政子");
    for (const section of ["allergy-banner", "encounters", "vital-signs", "labs", "conditions", "medications", "documents"]) {
      assert.equal(await page.getByTestId(section).count(), 1, `${section} is on the chart`);
    }
    assert.equal(await page.getByTestId("vital-submit").count(), 1, "a clinician can record a vital sign");
    const exposed = await page.evaluate(() => ({ title: document.title, url: decodeURIComponent(window.location.href) }));
    for (const name of namesOnScreen) {
      assert.ok(!exposed.title.includes(name), `title has no ${name}`);
      assert.ok(!exposed.url.includes(name), `URL has no ${name}`);
    }
    assert.deepEqual(await seriousAxeViolations(page).then(describeViolations), "");
  });

  it("sends a patient search by name in a POST form body, never in the URL", async () => {
    await page.goto(`${app.baseUrl}/`);
    await page.getByTestId("patient-search-name").fill("ホウジョウ");
    const searched = page.waitForRequest((candidate) => candidate.url().includes("/fhir/R4/Patient/_search"));
    await page.getByTestId("patient-search-submit").click();
    const sent = await searched;
    assert.equal(sent.method(), "POST");
    assert.equal(sent.headers()["content-type"], "application/x-www-form-urlencoded");
    assert.ok(!decodeURIComponent(sent.url()).includes("ホウジョウ"), "the name is not in the URL");
    assert.equal(new URLSearchParams(sent.postData() ?? "").get("name"), "ホウジョウ");
    assert.ok(!decodeURIComponent(page.url()).includes("ホウジョウ"), "nor in the address bar");
  });

  it("finds the patient by kanji and by kana and opens the chart by id", async () => {
    for (const query of ["北条", "ホウジョウ"]) {
      await page.goto(`${app.baseUrl}/`);
      await page.getByTestId("patient-search-name").fill(query);
      await page.getByTestId("patient-search-submit").click();
      await page.getByTestId("patient-search-row").first().waitFor();
      assert.match((await page.getByTestId("patient-search-results").textContent()) ?? "", /北条 政子/);
    }
    await page.getByTestId("patient-search-row").first().getByRole("link").click();
    await page.waitForURL(`**${chartPath()}`);
  });

  it("lists the doctor's own patients", async () => {
    await page.goto(`${app.baseUrl}/`);
    await page.getByTestId("my-patient-row").first().waitFor();
    const rows = await page.getByTestId("my-patient-row").allTextContents();
    assert.ok(rows.some((row) => row.includes("北条 政子") && row.includes("登録者")), rows.join(" | "));
  });

  it("shows allergies first, encounters, vital-sign charts, flagged labs, conditions, medications and documents", async () => {
    await seedChart(doctor.client, patientId);
    await page.goto(`${app.baseUrl}${chartPath()}`);
    await page.getByTestId("allergy").first().waitFor();
    assert.match((await page.getByTestId("allergy-banner").textContent()) ?? "", /ペニシリン.*重篤/);
    assert.equal(await page.getByTestId("encounter").count(), 1);
    await page.getByTestId("vital-heartRate").locator("svg").waitFor();
    assert.equal(await page.getByTestId("vital-bloodPressure").locator("polyline").count(), 2, "systolic and diastolic lines");
    const flags = await page.getByTestId("lab-flag").allTextContents();
    assert.ok(flags.some((flag) => flag.startsWith("H ")), flags.join(","));
    assert.ok(flags.some((flag) => flag.startsWith("LL ")), flags.join(","));
    assert.match((await page.getByTestId("condition-table").textContent()) ?? "", /高血圧症/);
    assert.match((await page.getByTestId("medication-table").textContent()) ?? "", /アムロジピン/);
    await saveScreenshot(page, "chart-full");
    assert.deepEqual(await seriousAxeViolations(page).then(describeViolations), "");
  });

  it("records a heart rate and shows it in the chart", async () => {
    await page.goto(`${app.baseUrl}${chartPath()}`);
    await page.getByTestId("vital-value").fill("88");
    await page.getByTestId("vital-submit").click();
    await page.getByText("保存しました。").waitFor();
    await page.getByTestId("vital-heartRate").locator("summary").click();
    await page.getByTestId("vital-heartRate").getByText("88 /min").waitFor();
  });

  it("on a stale edit (412) shows the newer version, then saves on top of it", async () => {
    await page.goto(`${app.baseUrl}${chartPath()}`);
    await page.getByTestId("condition-edit").first().click();
    // Someone else saves a newer version while the form is open.
    const changed = await page.evaluate(async (id) => {
      const search = await fetch(`/fhir/R4/Condition/_search`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: `patient=${id}` });
      const condition = ((await search.json()) as { entry: Array<{ resource: { id: string; meta: { versionId: string }; code: { text: string } } }> }).entry[0]!.resource;
      const updated = await fetch(`/fhir/R4/Condition/${condition.id}`, {
        method: "PUT",
        headers: { "Content-Type": "application/fhir+json", "If-Match": `W/"${condition.meta.versionId}"` },
        body: JSON.stringify({ ...condition, code: { ...condition.code, text: "高血圧症（他の医師が更新）" } }),
      });
      return updated.status;
    }, patientId);
    assert.equal(changed, 200);
    await page.getByTestId("edit-text").fill("本態性高血圧症");
    await page.getByTestId("edit-save").click();
    await page.getByTestId("edit-conflict").waitFor();
    assert.equal(await page.getByTestId("conflict-text").textContent(), "高血圧症（他の医師が更新）");
    await saveScreenshot(page, "chart-edit-conflict");
    await page.getByTestId("conflict-retry").click();
    await page.getByTestId("edit-save").click();
    await page.getByTestId("edit-clinical").waitFor({ state: "detached" });
    assert.match((await page.getByTestId("condition-table").textContent()) ?? "", /本態性高血圧症/);
  });

  it("offers an unrelated clinician emergency access instead of empty sections, then opens the chart and queues it for review", async () => {
    const other = await app.signedInUser("doctor");
    const { page: otherPage } = await signedInPage(browser, app.baseUrl, other.client, problems);
    await otherPage.goto(`${app.baseUrl}${chartPath()}`);
    await otherPage.getByTestId("break-glass-open").waitFor();
    assert.equal(await otherPage.getByTestId("allergy-banner").count(), 0, "no section suggests there is nothing recorded");
    await otherPage.getByTestId("break-glass-open").click();
    await otherPage.getByTestId("break-glass-dialog").waitFor({ state: "visible" });
    await saveScreenshot(otherPage, "break-glass-dialog");
    await otherPage.getByTestId("break-glass-reason").fill("救急搬送、意識障害のため既往歴の確認が必要");
    await otherPage.getByTestId("break-glass-submit").click();
    await otherPage.getByTestId("break-glass-active").waitFor();
    assert.match((await otherPage.getByTestId("allergy-banner").textContent()) ?? "", /ペニシリン/, "the grant opens the records");

    const officer = await app.signedInUser("security_officer");
    const { page: officerPage } = await signedInPage(browser, app.baseUrl, officer.client, problems);
    await officerPage.goto(`${app.baseUrl}/`);
    await officerPage.getByTestId("open-break-glass").click();
    await officerPage.getByTestId("break-glass-review").first().waitFor();
    assert.match((await officerPage.getByTestId("break-glass-review").first().textContent()) ?? "", /救急搬送/);
    const row = officerPage.getByTestId("break-glass-review").first();
    await row.locator("select").selectOption("justified");
    await row.locator("input[id^='review-note-']").fill("救急搬送、記録と一致");
    await row.getByTestId("break-glass-close").click();
    await officerPage.getByText("該当する記録はありません。").waitFor();
  });

  it("lets the patient see the chart read-only, manage consent and download everything", async () => {
    const portal = await patientPortal();
    await portal.goto(`${app.baseUrl}/`);
    await portal.getByTestId("consent-choice").selectOption("purpose:HRESCH");
    await portal.getByTestId("consent-submit").click();
    await portal.getByTestId("consent-row").first().waitFor();
    assert.match((await portal.getByTestId("consent-row").first().textContent()) ?? "", /研究への利用を拒否.*有効/);
    await portal.getByTestId("consent-revoke").click();
    await portal.getByText("取り消し済み").waitFor();

    const bundleDownload = portal.waitForEvent("download");
    await portal.getByTestId("download-bundle").click();
    const bundle = JSON.parse(await readDownload(await bundleDownload)) as { resourceType: string; entry: Array<{ resource: { resourceType: string } }> };
    assert.equal(bundle.resourceType, "Bundle");
    assert.ok(bundle.entry.some((entry) => entry.resource.resourceType === "Patient"));
    const pdfDownload = portal.waitForEvent("download");
    await portal.getByTestId("download-pdf").click();
    const pdf = await PDFDocument.load(Buffer.from(await readDownload(await pdfDownload, "binary"), "binary"));
    assert.equal(pdf.getTitle(), "私の診療記録");

    await portal.getByTestId("open-own-record").click();
    await portal.getByTestId("clinical-chart").waitFor();
    assert.equal(await portal.getByTestId("vital-submit").count(), 0, "read-only for the patient");
    assert.equal(await portal.getByTestId("condition-edit").count(), 0);
  });

  it("lets the patient upload a document that appears in the chart", async () => {
    const portal = await patientPortal();
    await portal.goto(`${app.baseUrl}/`);
    await portal.getByTestId("upload-file").setInputFiles({ name: "letter.png", mimeType: "image/png", buffer: onePixelPng });
    await portal.getByTestId("upload-title").fill("紹介状");
    await portal.getByTestId("upload-submit").click();
    await portal.getByText("アップロードしました。", { exact: false }).waitFor();
    await portal.getByTestId("open-own-record").click();
    await portal.getByTestId("document-row").first().waitFor();
    await portal.getByTestId("document-open").first().click();
    await portal.getByTestId("binary-viewer").locator("img").waitFor();
  });

  // After an idle logout nothing of the patient may remain: not on screen, not in storage, not in the title.
  it("clears the chart page completely when the idle limit passes", async () => {
    await page.goto(`${app.baseUrl}${chartPath()}`);
    await page.getByTestId("patient-name-kanji").filter({ hasText: "北条" }).waitFor();
    const idleMs = app.config.session.idleMs;
    serverClock.offsetMs += idleMs + 1_000;
    await page.clock.fastForward(idleMs + 1_000);
    await page.getByTestId("session-expired").waitFor();
    assert.equal(new URL(page.url()).pathname, "/login");
    const left = await page.evaluate(() => ({
      html: document.documentElement.outerHTML,
      title: document.title,
      storage: [window.localStorage, window.sessionStorage].flatMap((store) => Object.keys(store).map((key) => `${key}=${store.getItem(key) ?? ""}`)),
    }));
    for (const value of [...namesOnScreen, "00077001", patientId]) {
      assert.ok(!left.html.includes(value), `the DOM has no ${value}`);
      assert.ok(!left.title.includes(value), `the title has no ${value}`);
      assert.ok(!left.storage.join("\n").includes(value), `storage has no ${value}`);
    }
    assert.ok(left.storage.every((entry) => entry.startsWith("mamori.language=")), `only the language choice is stored: ${left.storage.join(", ")}`);
    assert.equal(await page.getByTestId("clinical-chart").count(), 0);
  });

  it("met the Content Security Policy on every page", () => {
    assert.deepEqual(problems, []);
  });
});

const onePixelPng = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

async function readDownload(download: { createReadStream(): Promise<NodeJS.ReadableStream> }, encoding: BufferEncoding = "utf8"): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString(encoding);
}

/** Synthetic chart data over the FHIR API, as the doctor. */
async function seedChart(client: TestClient, patientId: string): Promise<void> {
  const subject = { reference: `Patient/${patientId}` };
  const loinc = (code: string) => ({ coding: [{ system: "http://loinc.org", code }] });
  const category = (code: string) => [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code }] }];
  const resources: Array<Record<string, unknown>> = [
    { resourceType: "AllergyIntolerance", patient: subject, code: { text: "ペニシリン" }, criticality: "high", clinicalStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", code: "active" }] } },
    { resourceType: "Encounter", subject, status: "finished", class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB", display: "外来" }, period: { start: "2026-04-01T09:00:00+09:00" } },
    { resourceType: "Condition", subject, code: { text: "高血圧症" }, clinicalStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-clinical", code: "active" }] }, onsetDateTime: "2020-01-01" },
    { resourceType: "MedicationRequest", subject, status: "active", intent: "order", medicationCodeableConcept: { text: "アムロジピン錠5mg" }, dosageInstruction: [{ text: "1日1回朝食後" }], authoredOn: "2026-04-01" },
    { resourceType: "Observation", subject, status: "final", category: category("laboratory"), code: { ...loinc("2345-7"), text: "血糖" }, effectiveDateTime: "2026-04-01T09:10:00+09:00", valueQuantity: { value: 130, unit: "mg/dL" }, referenceRange: [{ low: { value: 70 }, high: { value: 109 } }] },
    { resourceType: "Observation", subject, status: "final", category: category("laboratory"), code: { ...loinc("2823-3"), text: "カリウム" }, effectiveDateTime: "2026-04-01T09:10:00+09:00", valueQuantity: { value: 2.4, unit: "mmol/L" }, interpretation: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", code: "LL" }] }] },
  ];
  for (const [day, pulse, systolic, diastolic] of [[1, 72, 128, 82], [2, 80, 135, 88], [3, 76, 124, 80]] as const) {
    const effectiveDateTime = `2026-04-0${day}T08:00:00+09:00`;
    resources.push({ resourceType: "Observation", subject, status: "final", category: category("vital-signs"), code: loinc("8867-4"), effectiveDateTime, valueQuantity: { value: pulse, unit: "/min" } });
    resources.push({
      resourceType: "Observation",
      subject,
      status: "final",
      category: category("vital-signs"),
      code: loinc("85354-9"),
      effectiveDateTime,
      component: [
        { code: loinc("8480-6"), valueQuantity: { value: systolic, unit: "mmHg" } },
        { code: loinc("8462-4"), valueQuantity: { value: diastolic, unit: "mmHg" } },
      ],
    });
  }
  for (const resource of resources) {
    const created = await client.post(`/fhir/R4/${resource["resourceType"] as string}`, resource, { contentType: "application/fhir+json" });
    if (created.status !== 201) throw new Error(`seeding ${resource["resourceType"] as string} failed: ${created.status}`);
  }
}
