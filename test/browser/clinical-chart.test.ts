import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PDFDocument } from "pdf-lib";
import type { Browser, BrowserContext, Frame, Page } from "playwright-core";
import { buildDenyingConsent, createPatient, startTestApp, treatmentPurpose, type SignedInUser, type TestApp } from "../../src/testing/index.js";
import { chromiumSkip, describeViolations, launchChromium, readDownload, saveScreenshot, seriousAxeViolations, signedInPage, waitForQuiet } from "./browser-support.js";
import { joinCareTeam, onePixelPng, seedChart } from "./chart-fixtures.js";

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

  it("finds the patient by kanji, kana, patient number (full-width too) and birth date, and opens the chart by id", async () => {
    for (const query of ["北条", "ホウジョウ", "00077001", "０００７７００１", "1984/7/15", "昭和59年7月15日"]) {
      await page.goto(`${app.baseUrl}/`);
      await page.getByTestId("patient-search-name").fill(query);
      await page.getByTestId("patient-search-submit").click();
      await page.getByTestId("patient-search-row").first().waitFor();
      assert.match((await page.getByTestId("patient-search-results").textContent()) ?? "", /北条 政子/, query);
    }
    await page.goto(`${app.baseUrl}/`);
    await page.getByTestId("patient-search-name").fill("2023/02/29");
    await page.getByTestId("patient-search-submit").click();
    assert.match((await page.getByTestId("error-message").first().textContent()) ?? "", /存在しない日付/);
    await page.getByTestId("patient-search-name").fill("北条");
    await page.getByTestId("patient-search-submit").click();
    await page.getByTestId("patient-search-row").first().waitFor();
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
    // Each section loads on its own: wait for each before reading it.
    await page.getByTestId("allergy").first().waitFor();
    assert.match((await page.getByTestId("allergy-banner").textContent()) ?? "", /ペニシリン.*重篤/);
    await page.getByTestId("encounter").first().waitFor();
    assert.equal(await page.getByTestId("encounter").count(), 1);
    await page.getByTestId("vital-heartRate").locator("svg").waitFor();
    assert.equal(await page.getByTestId("vital-bloodPressure").locator("polyline").count(), 2, "systolic and diastolic lines");
    await page.getByTestId("lab-flag").first().waitFor();
    const flags = await page.getByTestId("lab-flag").allTextContents();
    assert.ok(flags.some((flag) => flag.startsWith("H ")), flags.join(","));
    assert.ok(flags.some((flag) => flag.startsWith("LL ")), flags.join(","));
    await page.getByTestId("condition-table").getByText("高血圧症").waitFor();
    await page.getByTestId("condition-edit").first().waitFor();
    assert.equal(await page.getByTestId("condition-edit").count(), 1, "the doctor may edit a diagnosis");
    await page.getByTestId("allergy-edit").first().waitFor();
    assert.equal(await page.getByTestId("allergy-edit").count(), 1);
    await page.getByTestId("medication-table").getByText("アムロジピン").waitFor();
    await saveScreenshot(page, "chart-full");
    assert.deepEqual(await seriousAxeViolations(page).then(describeViolations), "");
  });

  it("records a heart rate and shows it in the chart", async () => {
    await page.goto(`${app.baseUrl}${chartPath()}`);
    await page.getByTestId("vital-value").fill("88");
    await page.getByTestId("vital-submit").click();
    await page.getByText("保存しました。").waitFor();
    // The readings reload after the save; the table of values sits in a closed <details> until its summary is opened.
    const reading = page.getByTestId("vital-heartRate").getByText("88 /min");
    await reading.waitFor({ state: "attached" });
    await page.getByTestId("vital-heartRate").locator("summary").click();
    await reading.waitFor();
  });

  it("refuses implausible vitals with the range, folds full-width digits, and charts every JP Core vital sign", async () => {
    await page.goto(`${app.baseUrl}${chartPath()}`);
    await page.getByTestId("vital-kind").selectOption("temperature");
    await page.getByTestId("vital-value").fill("372");
    await page.getByTestId("vital-submit").click();
    assert.match((await page.getByTestId("error-message").first().textContent()) ?? "", /30〜45 ℃/);
    await page.getByTestId("vital-value").fill("３７．２");
    await page.getByTestId("vital-submit").click();
    await page.getByText("保存しました。").waitFor();
    await page.getByTestId("vital-temperature").getByText("37.2 ℃").waitFor({ state: "attached" });

    await page.getByTestId("vital-kind").selectOption("bloodPressure");
    await page.getByTestId("vital-value").fill("82");
    await page.getByTestId("vital-value-2").fill("128");
    await page.getByTestId("vital-submit").click();
    assert.match((await page.getByTestId("error-message").first().textContent()) ?? "", /入れ替わって/);

    await page.getByTestId("vital-kind").selectOption("respiratoryRate");
    await page.getByTestId("vital-value").fill("16");
    await page.getByTestId("vital-submit").click();
    await page.getByTestId("vital-respiratoryRate").getByText("16 /min").waitFor({ state: "attached" });

    // A slip is marked entered in error: it leaves the chart, and the record keeps it with its history.
    await page.getByTestId("vital-respiratoryRate").locator("summary").click();
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByTestId("vital-respiratoryRate").getByTestId("vital-entered-in-error").click();
    await page.getByTestId("vital-respiratoryRate").waitFor({ state: "detached" });
    const stored = await doctor.client.get(`/fhir/R4/Observation?patient=${patientId}&code=http://loinc.org|9279-1`);
    const observation = stored.json.entry[0].resource as { id: string; status: string; meta: { versionId: string } };
    assert.deepEqual([observation.status, observation.meta.versionId], ["entered-in-error", "2"]);
  });

  it("says allergies are unrecorded until someone records them, then no known allergies, then the allergy", async () => {
    const freshId = await createPatient(doctor, { familyKanji: "源", givenKanji: "実朝", familyKana: "ミナモト", givenKana: "サネトモ", patientNumber: "00077002" });
    await page.goto(`${app.baseUrl}/patients/${encodeURIComponent(freshId)}`);
    await page.getByTestId("allergies-unrecorded").waitFor();
    assert.equal(await page.getByTestId("no-known-allergies").count(), 0, "nobody asked: the chart does not claim there are none");
    await page.getByTestId("allergy-none").click();
    await page.getByTestId("no-known-allergies").waitFor();
    await saveScreenshot(page, "chart-no-known-allergies");
    await page.getByTestId("allergy-substance").fill("セフェム系抗菌薬");
    await page.getByTestId("allergy-criticality").selectOption("high");
    await page.getByTestId("allergy-reaction").fill("蕁麻疹");
    await page.getByTestId("allergy-submit").click();
    await page.getByTestId("allergy").first().waitFor();
    const banner = (await page.getByTestId("allergy-banner").textContent()) ?? "";
    assert.match(banner, /セフェム系抗菌薬/);
    assert.match(banner, /蕁麻疹/);
    assert.equal(await page.getByTestId("no-known-allergies").count(), 0, "an allergy replaces the no-known-allergy record");
    const stored = await doctor.client.get(`/fhir/R4/AllergyIntolerance?patient=${freshId}`);
    const statuses = (stored.json.entry as Array<{ resource: { code: { text: string }; clinicalStatus: { coding: Array<{ code: string }> } } }>).map((entry) => `${entry.resource.code.text}:${entry.resource.clinicalStatus.coding[0]!.code}`).sort();
    assert.deepEqual(statuses, ["セフェム系抗菌薬:active", "既知のアレルギーなし:inactive"]);
    assert.deepEqual(await seriousAxeViolations(page).then(describeViolations), "");
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
    // The list reloads after the form closes.
    await page.getByTestId("condition-table").getByText("本態性高血圧症").waitFor();
  });

  // ACC-1: a nurse reads the charts of the patients in their care, and nothing of anyone else's; the chart offers only
  // the writes nursing may make.
  it("signs a nurse in, lists the patient of their care team, opens that chart without diagnosis edits and refuses another patient's", async () => {
    const admin = await app.signedInUser("admin");
    const nurse = await app.signedInUser("nurse");
    await joinCareTeam(admin, doctor, nurse, patientId);
    const otherId = await createPatient(doctor, { familyKanji: "源", givenKanji: "頼朝", familyKana: "ミナモト", givenKana: "ヨリトモ", patientNumber: "00077002" });
    // The enrolment used this time step's code; signing in needs the next one. The doctor's browser clock keeps in
    // step with the server's, as the idle test expects.
    await waitForQuiet(page);
    serverClock.offsetMs += 30_000;
    await page.clock.fastForward(30_000);
    const { page: nursePage } = await signedInPage(browser, app.baseUrl, undefined, problems);
    await nursePage.goto(`${app.baseUrl}/login`);
    await nursePage.getByTestId("login-email").fill(nurse.email);
    await nursePage.getByTestId("login-password").fill(nurse.password);
    await nursePage.getByTestId("login-submit").click();
    await nursePage.getByTestId("totp-code").fill(await nurse.totpCode());
    await nursePage.getByTestId("totp-submit").click();

    await nursePage.getByTestId("my-patient-row").first().waitFor();
    const rows = await nursePage.getByTestId("my-patient-row").allTextContents();
    assert.deepEqual(rows.length, 1, rows.join(" | "));
    assert.match(rows[0] ?? "", /北条 政子.*ケアチーム/);
    await nursePage.getByTestId("my-patient-row").getByRole("link").click();
    await nursePage.waitForURL(`**${chartPath()}`);
    await nursePage.getByTestId("allergy").first().waitFor();
    assert.match((await nursePage.getByTestId("allergy-banner").textContent()) ?? "", /ペニシリン/);
    assert.equal(await nursePage.getByTestId("vital-submit").count(), 1, "nurses record vital signs");
    // Diagnoses are a physician's act: the nurse is offered to edit the allergy history, never the condition.
    await nursePage.getByTestId("condition-row").first().waitFor();
    assert.equal(await nursePage.getByTestId("condition-edit").count(), 0, "no Edit on a condition for a nurse");
    assert.equal(await nursePage.getByTestId("allergy-edit").count(), 1, "nurses update allergy histories");
    await saveScreenshot(nursePage, "chart-nurse");

    await nursePage.goto(`${app.baseUrl}/patients/${encodeURIComponent(otherId)}`);
    await nursePage.getByTestId("break-glass-open").waitFor();
    assert.match((await nursePage.locator("main").textContent()) ?? "", /この患者の診療録を閲覧する権限がありません/);
    assert.equal(await nursePage.getByTestId("allergy-banner").count(), 0, "no chart section outside the care relationship");
    assert.deepEqual(await seriousAxeViolations(nursePage).then(describeViolations), "");
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
    await otherPage.getByTestId("allergy").first().waitFor();
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

  // ACC-4: a chart closed by the patient's consent says so, rather than showing a record with nothing in it.
  it("tells the doctor when the patient's consent refuses treatment access, and offers emergency access", async () => {
    const refusedId = await createPatient(doctor, { familyKanji: "足利", givenKanji: "尊氏", familyKana: "アシカガ", givenKana: "タカウジ", patientNumber: "00077003" });
    const portal = await app.signedInPatient(doctor, refusedId);
    const consent = buildDenyingConsent(refusedId, { purpose: [treatmentPurpose] });
    assert.equal((await portal.client.post("/fhir/R4/Consent", consent, { contentType: "application/fhir+json" })).status, 201);
    await page.goto(`${app.baseUrl}/patients/${encodeURIComponent(refusedId)}`);
    await page.getByTestId("break-glass-open").waitFor();
    assert.match((await page.getByTestId("break-glass-intro").textContent()) ?? "", /同意の設定で.*拒否しています/);
    assert.equal(await page.getByTestId("allergy-banner").count(), 0, "no empty chart sections");
    assert.equal(await page.getByTestId("error-message").count(), 0, "the refusal is explained, not shown as a bare error");
  });

  it("lets the patient see the chart read-only, manage consent and download everything", async () => {
    const portal = await patientPortal();
    await portal.goto(`${app.baseUrl}/`);
    // The consent list loads on its own: an answer to that first load arriving after the save's reload would hide
    // the new refusal.
    await portal.getByTestId("consent-card").getByText("指定はありません").waitFor();
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
    // No Edit once the conditions are there, not merely before they load.
    await portal.getByTestId("condition-row").first().waitFor();
    assert.equal(await portal.getByTestId("condition-edit").count(), 0);
  });

  it("lets the patient upload documents that appear in the chart, images and PDFs shown inline", async () => {
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

    // A PDF shows inline too, in a frame of the browser's own viewer over the sanitised copy held in memory.
    const letter = await PDFDocument.create();
    letter.addPage([595, 842]).drawText("Referral", { x: 50, y: 780, size: 24 });
    await portal.goto(`${app.baseUrl}/`);
    await portal.getByTestId("upload-file").setInputFiles({ name: "result.pdf", mimeType: "application/pdf", buffer: Buffer.from(await letter.save()) });
    await portal.getByTestId("upload-title").fill("検査結果");
    await portal.getByTestId("upload-submit").click();
    await portal.getByText("アップロードしました。", { exact: false }).waitFor();
    await portal.getByTestId("open-own-record").click();
    await portal.getByTestId("document-row").filter({ hasText: "検査結果" }).getByTestId("document-open").click();
    const viewer = portal.getByTestId("pdf-viewer");
    await viewer.waitFor();
    assert.match((await viewer.getAttribute("src")) ?? "", /^blob:https:\/\/127\.0\.0\.1:\d+\//);
    const frame = await (await viewer.elementHandle())!.contentFrame();
    // Chromium hosts its PDF viewer (an extension page) inside the frame once it accepted the file.
    let pdfViewer: Frame | undefined;
    for (const deadline = Date.now() + 10_000; !pdfViewer && Date.now() < deadline; await portal.waitForTimeout(100)) {
      pdfViewer = frame?.childFrames().find((child) => child.url().startsWith("chrome-extension://"));
    }
    assert.ok(pdfViewer, "the browser's PDF viewer opened the file");
    await pdfViewer.waitForLoadState();
    assert.equal(await pdfViewer.evaluate(() => document.querySelector("pdf-viewer") !== null), true);
    await saveScreenshot(portal, "chart-pdf-viewer");
  });

  // After an idle logout nothing of the patient may remain: not on screen, not in storage, not in the title.
  it("clears the chart page completely when the idle limit passes", async () => {
    await page.goto(`${app.baseUrl}${chartPath()}`);
    await page.getByTestId("patient-name-kanji").filter({ hasText: "北条" }).waitFor();
    const idleMs = app.config.session.idleMs;
    await waitForQuiet(page);
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
