import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { startTestApp, type TestApp } from "../../src/testing/index.js";

const chromiumPath = "/usr/bin/chromium";
const skip = existsSync(chromiumPath) ? false : `Chromium is not installed at ${chromiumPath} (apt-get install -y chromium)`;

describe("security officer's compliance dashboard (browser)", { skip, timeout: 120_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  before(async () => {
    app = await startTestApp();
    await app.signedInUser("admin");
    const officer = await app.signedInUser("security_officer");
    browser = await chromium.launch({ executablePath: chromiumPath, args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"] });
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "ja-JP" });
    context.setDefaultTimeout(20_000);
    // The officer signed in through the real flow; the browser carries the same session cookie.
    await context.addCookies([...officer.client.cookies].map(([name, value]) => ({ name, value, url: app.baseUrl })));
    page = await context.newPage();
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
    // Break-glass access (ACC-3) has no live check yet: shown as not yet checked, never as met or not met.
    assert.equal(await page.getByTestId("status-ACC-3").textContent(), "未確認");
    assert.equal(await page.getByTestId("status-AUTH-4").textContent(), "適合");
    assert.equal(await page.getByTestId("status-ORG-1").textContent(), "不適合");
    await page.getByTestId("attest-statement-ORG-1").fill("情報管理責任者を任命した");
    await page.getByTestId("attest-ORG-1").getByRole("button").click();
    await page.getByText("情報管理責任者を任命した").first().waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="status-ORG-1"]')?.textContent === "適合");
    const pdf = await page.request.get(`${app.baseUrl}${await page.getByTestId("download-disclosure-pdf").getAttribute("href")}`);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()["content-type"], "application/pdf");
  });
});
