import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { generate } from "otplib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { invitationLinkIn, startTestApp } from "../../src/testing/index.js";
import { chromiumSkip, launchChromium, trackRequests, waitForQuiet } from "./browser-support.js";

/** Set MAMORI_SCREENSHOT_DIR to keep screenshots of the key screens in both languages. */
const screenshotDir = process.env["MAMORI_SCREENSHOT_DIR"];
const totpPeriodMs = 30_000;

const patient = {
  familyKanji: "山田",
  givenKanji: "太郎",
  familyKana: "ヤマダ",
  givenKana: "タロウ",
  birthDate: "1980-04-01",
  patientNumber: "00012345",
  email: "patient@example.jp",
};
const patientNames = Object.values(patient).slice(0, 4);

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/** Real time plus an offset the idle test moves forward, in step with the browser's clock. */
const serverClock = {
  offsetMs: 0,
  now: () => new Date(Date.now() + serverClock.offsetMs),
};

describe("web UI sign-in, patient and admin flow (browser)", { skip: chromiumSkip, timeout: 120_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let adminContext: BrowserContext;
  let doctorContext: BrowserContext;
  let admin: Page;
  let doctor: Page;
  let adminSecret = "";
  let doctorSecret = "";
  let doctorLastTotpStep = 0;
  let invitationUrl = "";
  let patientId = "";
  const cspViolations: string[] = [];

  before(async () => {
    app = await startTestApp({ clock: serverClock });
    browser = await launchChromium();
    adminContext = await newContext(browser);
    // Fake timers that run in real time until the idle test jumps them forward.
    await adminContext.clock.install();
    doctorContext = await newContext(browser);
    admin = await newPage(adminContext, cspViolations);
    doctor = await newPage(doctorContext, cspViolations);
    if (screenshotDir) await mkdir(screenshotDir, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it("creates the first administrator from the one-time setup link and enrols TOTP", async () => {
    await admin.goto(await app.createSetupLink());
    await admin.getByTestId("invitation-submit").waitFor();
    assert.ok(!admin.url().includes("token="), `the token is dropped from the address bar: ${admin.url()}`);
    await snap(admin, "setup-ja");
    await admin.getByTestId("invitation-email").fill("admin@example.jp");
    await admin.getByTestId("invitation-display-name").fill("管理 花子");
    await fillPasswords(admin, "correct horse battery staple 1");
    await admin.getByTestId("invitation-submit").click();
    adminSecret = (await enrolTotp(admin, "enrolment-ja")).secret;
    await admin.getByTestId("invite-email").waitFor();
  });

  // AUTH-7: the recovery codes were shown once at enrolment; afterwards only how many remain.
  it("shows the recovery codes only once, then only how many remain on the security settings page", async () => {
    await admin.getByTestId("security-settings-link").click();
    await admin.getByTestId("recovery-codes-remaining").waitFor();
    assert.match((await admin.getByTestId("recovery-codes-remaining").textContent()) ?? "", /残り 10 個/);
    assert.match((await admin.getByTestId("totp-enrolled").textContent()) ?? "", /設定済み/);
    assert.equal(await admin.getByTestId("recovery-code").count(), 0, "no code is shown again");
    await snap(admin, "security-settings-ja");
    await admin.locator("a.brand").click();
    await admin.getByTestId("invite-email").waitFor();
  });

  it("invites a doctor, who sets a password and enrols TOTP in a fresh browser context", async () => {
    await admin.getByTestId("invite-email").fill("doctor@example.jp");
    await admin.getByTestId("invite-role").selectOption("doctor");
    await admin.getByTestId("invite-submit").click();
    invitationUrl = (await admin.getByTestId("invitation-url").textContent())?.trim() ?? "";
    assert.match(invitationUrl, /\/invite#token=/);
    await snap(admin, "admin-home-ja");

    await doctor.goto(invitationUrl);
    await doctor.getByTestId("invitation-submit").waitFor();
    assert.ok(!doctor.url().includes("token="), "the invitation token is dropped from the address bar");
    assert.equal(await doctor.getByTestId("invitation-email").inputValue(), "doctor@example.jp");
    assert.equal(await doctor.getByTestId("invitation-email").getAttribute("readonly"), "");
    // A reload (or a slip of the finger on F5) keeps the link usable: the tab still holds the token.
    await doctor.reload();
    await doctor.getByTestId("invitation-submit").waitFor();
    assert.equal(await doctor.getByTestId("invitation-email").inputValue(), "doctor@example.jp", "the invitation is still found after a reload");
    await doctor.getByTestId("invitation-display-name").fill("診療 一郎");
    await fillPasswords(doctor, "amber river morning long enough");
    await doctor.getByTestId("invitation-submit").click();
    const enrolled = await enrolTotp(doctor);
    doctorSecret = enrolled.secret;
    doctorLastTotpStep = enrolled.step;
  });

  it("logs the doctor out and in again with password and a fresh TOTP code", async () => {
    await doctor.getByTestId("logout").click();
    await doctor.getByTestId("login-submit").waitFor();
    await snap(doctor, "login-ja");
    await doctor.getByTestId("login-email").fill("doctor@example.jp");
    await doctor.getByTestId("login-password").fill("amber river morning long enough");
    await doctor.getByTestId("login-submit").click();
    await doctor.getByTestId("totp-code").waitFor();
    // The server refuses a code from an already used time step, so the clocks move on to the next one (the admin's
    // browser clock with the server's, as the idle test needs them in step).
    await jumpBothClocks(msUntilStepAfter(doctorLastTotpStep));
    await doctor.getByTestId("totp-code").fill(await generate({ secret: doctorSecret, epoch: Math.floor(serverClock.now().getTime() / 1000) }));
    await doctor.getByTestId("totp-submit").click();
    await doctor.getByTestId("account-name").waitFor();
    assert.match((await doctor.getByTestId("account-name").textContent()) ?? "", /診療 一郎/);
  });

  it("creates a patient with kanji and kana names and shows them on the patient page", async () => {
    await doctor.getByTestId("patient-family-kanji").fill(patient.familyKanji);
    await doctor.getByTestId("patient-given-kanji").fill(patient.givenKanji);
    await doctor.getByTestId("patient-family-kana").fill(patient.familyKana);
    await doctor.getByTestId("patient-given-kana").fill(patient.givenKana);
    await doctor.getByTestId("patient-gender").selectOption("male");
    // A birth date after today is refused before anything is sent (the server refuses it too).
    const nextYear = `${new Date().getFullYear() + 1}-01-15`;
    await doctor.getByTestId("patient-birth-date").fill(nextYear);
    assert.equal(await doctor.getByTestId("patient-birth-date").evaluate((input) => (input as HTMLInputElement).validity.rangeOverflow), true);
    await doctor.getByTestId("patient-birth-date").fill(patient.birthDate);
    await doctor.getByTestId("patient-number").fill(patient.patientNumber);
    await doctor.getByTestId("patient-email").fill(patient.email);
    await snap(doctor, "doctor-home-ja");
    await doctor.getByTestId("patient-submit").click();
    await doctor.waitForURL(/\/patients\/[^/]+$/);
    patientId = decodeURIComponent(new URL(doctor.url()).pathname.split("/").pop() ?? "");
    await assertText(doctor, "patient-name-kanji", "山田 太郎");
    await assertText(doctor, "patient-name-kana", "ヤマダ タロウ");
    await assertText(doctor, "patient-gender", "男性");
    await assertText(doctor, "patient-birth-date", "1980年4月1日");
    await assertText(doctor, "patient-number", patient.patientNumber);
    await snap(doctor, "patient-ja");
  });

  it("keeps patient names out of the URL, the title and browser storage", async () => {
    const exposed = await doctor.evaluate(() => {
      const storage = [window.localStorage, window.sessionStorage].flatMap((store) =>
        Object.keys(store).map((key) => `${key}=${store.getItem(key) ?? ""}`),
      );
      return { title: document.title, url: decodeURIComponent(window.location.href), storage: storage.join("\n") };
    });
    for (const name of patientNames) {
      assert.ok(!exposed.title.includes(name), `title has no ${name}`);
      assert.ok(!exposed.url.includes(name), `URL has no ${name}`);
      assert.ok(!exposed.storage.includes(name), `storage has no ${name}`);
    }
    assert.ok(!exposed.storage.includes(patient.patientNumber), "storage has no patient number");
  });

  // PHR / AUTH-6: the doctor who registered the patient brings them onto the portal. The link goes by e-mail to the
  // address on the record, and the doctor hands over the one-time code on a printed slip; the patient needs both.
  it("lets the doctor invite the patient, who sees the doctor's views in their access history", async () => {
    assert.match((await doctor.getByTestId("invite-patient-recipient").textContent()) ?? "", /p\*{6}@example\.jp$/, "the address on record, masked");
    const mailBefore = (await app.pickedUpMail()).length;
    await doctor.getByTestId("invite-patient-submit").click();
    const code = (await doctor.getByTestId("patient-invitation-code").textContent())?.trim() ?? "";
    assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    assert.equal(await doctor.getByTestId("patient-invitation-print").count(), 1, "the slip can be printed");
    assert.ok(!((await doctor.getByTestId("patient-invitation-slip").textContent()) ?? "").includes("token="), "the link is not shown to the doctor");
    const mail = (await app.pickedUpMail()).slice(mailBefore);
    assert.deepEqual(mail.map((message) => message.to), [patient.email]);
    const patientInvitation = invitationLinkIn(mail[0]!).toString();
    await snap(doctor, "patient-invitation-slip-ja");
    await doctor.getByTestId("patient-invitation-done").click();
    assert.equal(await doctor.getByTestId("patient-invitation-code").count(), 0, "the code is shown once");

    const patientContext = await newContext(browser);
    try {
      const patientPage = await newPage(patientContext, cspViolations);
      await patientPage.goto(patientInvitation);
      await patientPage.getByTestId("invitation-submit").waitFor();
      await patientPage.getByTestId("invitation-code").fill(code);
      await patientPage.getByTestId("invitation-display-name").fill("山田 太郎");
      await fillPasswords(patientPage, "willow stone evening long enough");
      await patientPage.getByTestId("invitation-submit").click();
      await patientPage.getByTestId("access-history").waitFor();
      const rows = await patientPage.locator("[data-testid=access-history] tbody tr").allTextContents();
      assert.ok(rows.some((row) => row.includes("閲覧") && row.includes("医師") && row.includes("診療")), rows.join(" | "));
      assert.ok(rows.some((row) => row.includes("作成")), "the creation is listed");
      await snap(patientPage, "patient-portal-ja");
    } finally {
      await patientContext.close();
    }
  });

  it("switches the labels to English", async () => {
    assert.equal(await doctor.locator("#patient-heading").textContent(), "患者情報");
    await doctor.getByTestId("language-switch").selectOption("en");
    await assertText(doctor, "patient-birth-date", "April 1, 1980");
    assert.equal(await doctor.locator("#patient-heading").textContent(), "Patient");
    assert.equal(await doctor.locator("html").getAttribute("lang"), "en");
    await assertText(doctor, "patient-gender", "Male");
    await snap(doctor, "patient-en");
    await doctor.getByTestId("logout").click();
    await doctor.getByTestId("login-submit").waitFor();
    await snap(doctor, "login-en");
  });

  // A record the caller may not read answers as if it did not exist (uniform refusal): the administrator learns nothing.
  it("shows the server's not-found diagnostics when an administrator opens the patient", async () => {
    const response = admin.waitForResponse((candidate) => candidate.url().includes(`/fhir/R4/Patient/${patientId}`));
    await admin.goto(`${app.baseUrl}/patients/${encodeURIComponent(patientId)}`);
    const forbidden = await response;
    assert.equal(forbidden.status(), 404);
    const outcome = (await forbidden.json()) as { issue?: Array<{ diagnostics?: string }> };
    const diagnostics = outcome.issue?.[0]?.diagnostics ?? "";
    assert.ok(diagnostics.length > 0, "the OperationOutcome carries diagnostics");
    await admin.getByTestId("error-message").waitFor();
    assert.ok(((await admin.getByTestId("error-message").textContent()) ?? "").includes(diagnostics), "the page shows the server's diagnostics");
    assert.equal(await admin.getByTestId("patient-details").count(), 0);
    const body = (await admin.locator("body").textContent()) ?? "";
    for (const name of patientNames) assert.ok(!body.includes(name), `the admin page shows no ${name}`);
    await snap(admin, "admin-forbidden-ja");
  });

  // LOG-4 / ACC-2: the administrator reviews who touched the patient, without seeing the patient.
  it("shows the administrator the patient's audit trail, with a CSV link for the same conditions", async () => {
    await admin.goto(`${app.baseUrl}/`);
    await admin.getByTestId("open-audit-log").click();
    await admin.getByTestId("audit-patient-id").fill(patientId);
    await admin.getByTestId("audit-search").click();
    await admin.getByTestId("audit-entries").waitFor();
    const rows = await admin.getByTestId("audit-entry").allTextContents();
    assert.ok(rows.some((row) => row.includes("fhir.read") && row.includes("成功")), "the doctor's read is listed");
    assert.ok(rows.some((row) => row.includes("fhir.read") && row.includes("拒否")), "the administrator's refused read is listed");
    assert.equal(await admin.getByTestId("audit-csv").getAttribute("href"), `/api/audit/entries.csv?patientId=${patientId}`);
    const body = (await admin.locator("body").textContent()) ?? "";
    for (const name of patientNames) assert.ok(!body.includes(name), `the audit page shows no ${name}`);
    await snap(admin, "audit-log-ja");
  });

  it("asks for the second factor again before inviting when the last one is older than the step-up window, then invites", async () => {
    await admin.goto(`${app.baseUrl}/`);
    await admin.getByTestId("invite-email").waitFor();
    await jumpBothClocks(app.config.stepUpMs + 1_000);
    await admin.getByTestId("invite-email").fill("nurse-later@example.jp");
    await admin.getByTestId("invite-submit").click();
    await admin.getByTestId("step-up-dialog").waitFor({ state: "visible" });
    await snap(admin, "step-up-ja");
    await admin.getByTestId("step-up-code").fill(await generate({ secret: adminSecret, epoch: Math.floor(serverClock.now().getTime() / 1000) }));
    await admin.getByTestId("step-up-submit").click();
    await admin.getByTestId("step-up-dialog").waitFor({ state: "hidden" });
    assert.match((await admin.getByTestId("invitation-url").textContent()) ?? "", /\/invite#token=/);
  });

  it("warns a minute before the idle limit, refreshes on continue, and clears the screen when the limit passes", async () => {
    const idleMs = app.config.session.idleMs;
    await jumpBothClocks(idleMs - 50_000);
    await admin.getByTestId("idle-warning").waitFor({ state: "visible" });
    await snap(admin, "idle-warning-ja");
    await admin.getByTestId("idle-continue").click();
    await admin.getByTestId("idle-warning").waitFor({ state: "hidden" });

    // Typing is activity too: someone writing a long note is at the terminal, not away from it.
    await jumpBothClocks(idleMs - 50_000);
    await admin.getByTestId("idle-warning").waitFor({ state: "visible" });
    await admin.keyboard.press("Shift");
    await admin.getByTestId("idle-warning").waitFor({ state: "hidden" });

    await jumpBothClocks(idleMs + 1_000);
    await admin.getByTestId("session-expired").waitFor();
    assert.equal(new URL(admin.url()).pathname, "/login");
    const body = (await admin.locator("body").textContent()) ?? "";
    assert.ok(!body.includes("管理 花子"), "no account name is left on screen");
    assert.equal(await admin.getByTestId("error-message").count(), 0, "the previous page's content is gone");
    const storage = await admin.evaluate(() => [...Object.keys(window.localStorage), ...Object.keys(window.sessionStorage)]);
    assert.ok(storage.every((key) => key === "mamori.language"), `only the language choice is stored: ${storage.join(", ")}`);
    const session = await admin.evaluate(async () => (await fetch("/api/session")).json() as Promise<{ stage: string }>);
    assert.equal(session.stage, "anonymous");
  });

  it("meets the Content Security Policy on every page (no inline scripts or styles)", () => {
    assert.deepEqual(cspViolations, []);
  });

  async function jumpBothClocks(ms: number): Promise<void> {
    await waitForQuiet(admin);
    serverClock.offsetMs += ms;
    await admin.clock.fastForward(ms);
  }

  async function snap(page: Page, name: string): Promise<void> {
    if (screenshotDir) await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
  }
});

async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "ja-JP", viewport: { width: 1024, height: 800 } });
  context.setDefaultTimeout(10_000);
  return context;
}

async function newPage(context: BrowserContext, cspViolations: string[]): Promise<Page> {
  const page = await context.newPage();
  trackRequests(page);
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on("pageerror", (error) => cspViolations.push(`page error: ${error.message}`));
  return page;
}

async function fillPasswords(page: Page, password: string): Promise<void> {
  await page.getByTestId("invitation-password").fill(password);
  await page.getByTestId("invitation-password-confirm").fill(password);
}

/** Reads the secret shown for manual entry, answers with the current code, and returns the step it used. */
async function enrolTotp(page: Page, screenshotName?: string): Promise<{ secret: string; step: number }> {
  const secret = ((await page.getByTestId("totp-secret").textContent()) ?? "").trim();
  assert.match(secret, /^[A-Z2-7]+=*$/, "a base32 secret is shown");
  assert.match((await page.getByTestId("totp-qr").getAttribute("src")) ?? "", /^data:image\//);
  if (screenshotName && screenshotDir) await page.screenshot({ path: join(screenshotDir, `${screenshotName}.png`), fullPage: true });
  await page.getByTestId("enrolment-code").fill(await generate({ secret, epoch: Math.floor(serverClock.now().getTime() / 1000) }));
  await page.getByTestId("enrolment-submit").click();
  // The recovery codes, shown this once: ten of them, before the signed-in screens open.
  await page.getByTestId("recovery-codes").waitFor();
  const codes = await page.getByTestId("recovery-code").allTextContents();
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10);
  for (const code of codes) assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  if (screenshotName && screenshotDir) await page.screenshot({ path: join(screenshotDir, `${screenshotName}-recovery-codes.png`), fullPage: true });
  await page.getByTestId("recovery-codes-done").click();
  await page.getByTestId("account-name").waitFor();
  // Read once the server has answered: the latest step it can have recorded as used.
  return { secret, step: Math.floor(serverClock.now().getTime() / totpPeriodMs) };
}

/** How far the server's clock is from the TOTP step after `step`: a jump instead of a wait of up to 30 s. */
function msUntilStepAfter(step: number): number {
  return Math.max(0, (step + 1) * totpPeriodMs + 250 - serverClock.now().getTime());
}

async function assertText(page: Page, testId: string, expected: string): Promise<void> {
  const locator = page.getByTestId(testId);
  await locator.filter({ hasText: expected }).waitFor();
  assert.equal(((await locator.textContent()) ?? "").trim(), expected);
}
