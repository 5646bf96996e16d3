import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { createPatient, startTestApp, type TestApp } from "../../src/testing/index.js";
import { chromiumSkip, describeViolations, launchChromium, saveScreenshot, seriousAxeViolations, signedInPage, waitForQuiet } from "./browser-support.js";

/**
 * Accessibility (WCAG 2.1 AA through axe-core) of the main pages as each role sees them, in Japanese: a serious or
 * critical violation fails the test. Each page is also kept as a screenshot under test-artifacts/screenshots/.
 */
describe("accessibility of the main pages (browser, axe-core)", { skip: chromiumSkip, timeout: 240_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  const problems: string[] = [];
  const pagesByRole = new Map<string, Page>();
  let patientId = "";

  before(async () => {
    app = await startTestApp();
    const admin = await app.signedInUser("admin");
    const doctor = await app.signedInUser("doctor");
    const officer = await app.signedInUser("security_officer");
    patientId = await createPatient(doctor);
    const patient = await app.signedInPatient(doctor, patientId);
    browser = await launchChromium();
    pagesByRole.set("anonymous", (await signedInPage(browser, app.baseUrl, undefined, problems)).page);
    pagesByRole.set("admin", (await signedInPage(browser, app.baseUrl, admin.client, problems)).page);
    pagesByRole.set("doctor", (await signedInPage(browser, app.baseUrl, doctor.client, problems)).page);
    pagesByRole.set("security_officer", (await signedInPage(browser, app.baseUrl, officer.client, problems)).page);
    pagesByRole.set("patient", (await signedInPage(browser, app.baseUrl, patient.client, problems)).page);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Opens a path, waits for the page's own marker and for every section's load to finish, then checks and photographs it. */
  async function check(role: string, path: string, ready: string, name: string): Promise<void> {
    const page = pagesByRole.get(role)!;
    await page.goto(`${app.baseUrl}${path}`);
    await page.locator(ready).first().waitFor();
    // The sections load on their own after the marker: axe reads the page once all of them have answered, not while
    // React is still replacing their loading texts.
    await waitForQuiet(page);
    await page.waitForFunction(() => !document.body.textContent?.includes("読み込み中"));
    await saveScreenshot(page, name);
    const violations = await seriousAxeViolations(page);
    assert.equal(violations.length, 0, `${name}:\n${describeViolations(violations)}`);
  }

  it("sign-in page", () => check("anonymous", "/login", "[data-testid=login-submit]", "sign-in"));
  it("administrator's home", () => check("admin", "/", "[data-testid=invite-email]", "home-admin"));
  it("account administration", () => check("admin", "/admin/users", "h1", "admin-users"));
  it("doctor's home: patient search, my patients, new patient", () => check("doctor", "/", "[data-testid=patient-search-submit]", "home-doctor"));
  it("doctor's chart page", () => check("doctor", `/patients/${encodeURIComponent(patientId)}`, "[data-testid=clinical-chart]", "chart-doctor"));
  it("security officer's home", () => check("security_officer", "/", "[data-testid=open-break-glass]", "home-security-officer"));
  it("audit log", () => check("security_officer", "/security/audit", "h1", "security-audit"));
  it("access review", () => check("security_officer", "/security/access-review", "[data-testid=review-accounts]", "security-access-review"));
  it("incidents", () => check("security_officer", "/security/incidents", "h1", "security-incidents"));
  it("compliance", () => check("security_officer", "/security/compliance", "[data-testid=compliance-summary]", "security-compliance"));
  it("intrusion alerts", () => check("security_officer", "/security/alerts", "h1", "security-alerts"));
  it("break-glass review queue", () => check("security_officer", "/security/break-glass", "h1", "security-break-glass"));
  it("security settings (second factors)", () => check("doctor", "/settings/security", "[data-testid=recovery-codes-remaining]", "settings-security"));
  it("my account", () => check("doctor", "/account", "h1", "my-account"));
  it("patient portal home", () => check("patient", "/", "[data-testid=consent-card]", "home-patient"));
  it("patient's own record, read-only", () => check("patient", `/patients/${encodeURIComponent(patientId)}`, "[data-testid=clinical-chart]", "portal-own-record"));

  it("met the Content Security Policy on every page", () => {
    assert.deepEqual(problems, []);
  });
});
