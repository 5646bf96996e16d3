import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { createPatient, startTestApp, type SignedInUser, type TestApp } from "../../src/testing/index.js";
import { chromiumSkip, describeViolations, launchChromium, readDownload, saveScreenshot, seriousAxeViolations, signedInPage, waitForQuiet } from "./browser-support.js";

const patientNames = { familyKanji: "北条", givenKanji: "時宗", familyKana: "ホウジョウ", givenKana: "トキムネ" };

/** Real time plus an offset the step-up test moves past the step-up window. */
const serverClock = { offsetMs: 0, now: () => new Date(Date.now() + serverClock.offsetMs) };

describe("security officer's compliance dashboard and audit log (browser)", { skip: chromiumSkip, timeout: 120_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let officer: SignedInUser;
  let patientId = "";
  const problems: string[] = [];

  before(async () => {
    app = await startTestApp({ clock: serverClock });
    // The first administrator, who invites every other account here.
    await app.signedInUser("admin");
    const doctor = await app.signedInUser("doctor");
    officer = await app.signedInUser("security_officer");
    patientId = await createPatient(doctor, { ...patientNames, patientNumber: "00088001" });
    assert.equal((await doctor.client.get(`/fhir/R4/Patient/${patientId}`)).status, 200);
    browser = await launchChromium();
    // The officer signed in through the real flow; the browser carries the same session cookie.
    ({ page } = await signedInPage(browser, app.baseUrl, officer.client, problems));
    page.context().setDefaultTimeout(20_000);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows every control's status in Japanese, keeps not-yet-checked apart, and attests a control", async () => {
    await page.goto(`${app.baseUrl}/`);
    await page.getByTestId("open-compliance").click();
    await page.getByTestId("compliance-summary").waitFor();
    assert.equal(await page.getByTestId("status-ENC-1").textContent(), "適合");
    // Clock skew (LOG-3) cannot be checked without an NTP server: shown as not yet checked, never as met or not
    // met. The patient's export (PHR-1) and break-glass reviews (ACC-3) have their live checks.
    assert.equal(await page.getByTestId("status-LOG-3").textContent(), "未確認");
    assert.equal(await page.getByTestId("status-PHR-1").textContent(), "適合");
    assert.equal(await page.getByTestId("status-ACC-3").textContent(), "適合");
    assert.equal(await page.getByTestId("status-AUTH-4").textContent(), "適合");
    assert.equal(await page.getByTestId("status-ORG-1").textContent(), "不適合");
    await page.getByTestId("attest-statement-ORG-1").fill("情報管理責任者を任命した");
    await page.getByTestId("attest-document-ORG-1").fill("任命書");
    await page.getByTestId("attest-ORG-1").getByRole("button").click();
    await page.getByText("情報管理責任者を任命した").first().waitFor();
    // The officer's own attestation waits for a second person: not yet checked, never met.
    await page.waitForFunction(() => document.querySelector('[data-testid="status-ORG-1"]')?.textContent === "未確認");
    const report = (await officer.client.get("/api/compliance/report")).json as { controls: Array<{ id: string; attestation: { id: string } | null }> };
    const pending = report.controls.find((control) => control.id === "ORG-1")?.attestation;
    // Approved by another administrator than the one who invited the officer (that one may not: one person, two accounts).
    const approver = await app.signedInUser("admin");
    assert.equal((await approver.client.post(`/api/compliance/attestations/${pending?.id}/approve`, {})).status, 200);
    await page.reload();
    await page.waitForFunction(() => document.querySelector('[data-testid="status-ORG-1"]')?.textContent === "適合");
    const pdf = await page.request.get(`${app.baseUrl}${await page.getByTestId("download-disclosure-pdf").getAttribute("href")}`);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()["content-type"], "application/pdf");
  });

  // LOG-4: the officer reviews who touched a patient and takes the entries away as CSV, identifiers only.
  it("searches the audit log by patient and downloads the CSV after a fresh second factor, with no patient name in it", async () => {
    await page.goto(`${app.baseUrl}/`);
    await page.getByTestId("open-audit-log").click();
    await page.getByTestId("audit-patient-id").fill(patientId);
    await page.getByTestId("audit-search").click();
    await page.getByTestId("audit-entries").waitFor();
    const rows = await page.getByTestId("audit-entry").allTextContents();
    assert.ok(rows.some((row) => row.includes("fhir.create") && row.includes("成功")), rows.join(" | "));
    assert.ok(rows.some((row) => row.includes("fhir.read") && row.includes("成功")), rows.join(" | "));
    assert.deepEqual(await seriousAxeViolations(page).then(describeViolations), "");
    await saveScreenshot(page, "audit-log-officer");

    // Exporting is privileged (MAMORI_STEP_UP_SECONDS): past the window the officer verifies again first.
    await waitForQuiet(page);
    serverClock.offsetMs += app.config.stepUpMs + 1_000;
    await page.getByTestId("audit-csv").click();
    await page.getByTestId("step-up-dialog").waitFor({ state: "visible" });
    await page.getByTestId("step-up-code").fill(await officer.totpCode());
    const download = page.waitForEvent("download");
    await page.getByTestId("step-up-submit").click();
    const csv = await readDownload(await download);
    await page.getByTestId("step-up-dialog").waitFor({ state: "hidden" });

    const [header, ...lines] = csv.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    const columns = ["seq", "recorded_at", "action", "outcome", "reason_code", "account_id", "roles", "session_id", "resource_type", "resource_id", "patient_id", "ip", "user_agent", "break_glass"];
    assert.equal(header, columns.map((column) => `"${column}"`).join(","));
    assert.ok(lines.length >= 2, `create and read of the patient: ${lines.length} rows`);
    assert.ok(lines.every((line) => line.includes(patientId)), "only the patient's entries");
    assert.ok(lines.some((line) => line.includes(`"fhir.read","success"`)), lines.join("\n"));
    for (const name of Object.values(patientNames)) assert.ok(!csv.includes(name), `the CSV has no ${name}`);
  });

  it("met the Content Security Policy on every page", () => {
    assert.deepEqual(problems, []);
  });
});
