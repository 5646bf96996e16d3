import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { sessionCookieName } from "../../src/http/plugins/authenticate.js";
import { startTestApp, type TestApp } from "../../src/testing/index.js";
import { chromiumSkip, launchChromium } from "./browser-support.js";


// The security officer's incident page in Japanese: open an incident, see its deadlines, append to the timeline,
// switch the service to read-only and back (INC-1).
describe("incident response page (browser)", { skip: chromiumSkip, timeout: 90_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let officer: Awaited<ReturnType<TestApp["signedInUser"]>>;
  const pageErrors: string[] = [];

  before(async () => {
    app = await startTestApp();
    officer = await app.signedInUser("security_officer");
    browser = await launchChromium();
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "ja-JP" });
    context.setDefaultTimeout(10_000);
    // The session signed in through the API (password and TOTP), handed to the browser as its cookie.
    const token = officer.client.cookies.get(sessionCookieName);
    assert.ok(token);
    await context.addCookies([{ name: sessionCookieName, value: token, url: app.baseUrl, secure: true, httpOnly: true, sameSite: "Strict" }]);
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it("opens an incident, shows the PPC deadlines in Japanese, appends to the timeline and toggles read-only mode", async () => {
    await page.goto(`${app.baseUrl}/`);
    await page.getByTestId("open-incidents").click();
    await page.getByTestId("incident-title").fill("不審なログインの検知（試験）");
    await page.getByTestId("incident-kind").selectOption("unauthorized_access");
    await page.getByTestId("incident-submit").click();
    const detail = page.getByTestId("incident-detail");
    await detail.waitFor();
    const text = await detail.innerText();
    assert.match(text, /速報/);
    assert.match(text, /確報/);
    assert.match(text, /残り 59 日/);
    assert.match(text, /厚生労働省/);

    await page.getByTestId("incident-note-body").fill("委託先へ連絡");
    await page.getByTestId("incident-note-submit").click();
    await page.getByTestId("incident-timeline").getByText("委託先へ連絡").waitFor();

    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByTestId("service-mode-toggle").click();
    await page.getByTestId("service-mode-state").getByText("読み取り専用です").waitFor();
    assert.equal((await officer.client.get("/api/service-mode")).json.readOnly, true);
    await page.getByTestId("service-mode-toggle").click();
    await page.getByTestId("service-mode-state").getByText("通常運用中").waitFor();
    assert.deepEqual(pageErrors, []);
  });
});
