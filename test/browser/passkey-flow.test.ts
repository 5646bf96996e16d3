import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startTestApp, type TestApp } from "../../src/testing/index.js";
import { chromiumSkip, launchChromium } from "./browser-support.js";


// AUTH-2: a passkey as the second factor in a real browser, through Chromium's virtual authenticator (DevTools
// WebAuthn domain): the page's @simplewebauthn/browser calls navigator.credentials, the server verifies.
describe("web UI passkey enrolment and sign-in (browser)", { skip: chromiumSkip, timeout: 120_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  const email = "passkey-doctor@example.jp";
  const password = "passkey doctor password long";

  before(async () => {
    // WebAuthn needs a host name as RP ID, not an IP address.
    app = await startTestApp({ publicHostName: "localhost" });
    browser = await launchChromium();
    context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "ja-JP", viewport: { width: 1024, height: 800 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) errors.push(message.text());
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it("enrols a passkey instead of TOTP at the invitation and shows the recovery codes once", async () => {
    const admin = await app.signedInUser("admin");
    const issued = await app.mamori.identity.invitations.invite(
      { accountId: admin.accountId, roles: ["admin"], sessionId: "test", network: { ip: "127.0.0.1", userAgent: "test" } },
      { email, role: "doctor" },
    );
    await page.goto(`${app.baseUrl}/invite#token=${issued.token}`);
    await page.getByTestId("invitation-display-name").fill("鍵 一郎");
    await page.getByTestId("invitation-password").fill(password);
    await page.getByTestId("invitation-password-confirm").fill(password);
    await page.getByTestId("invitation-submit").click();
    await page.getByTestId("passkey-enrol-name").fill("仮想キー");
    await page.getByTestId("passkey-enrol-submit").click();
    await page.getByTestId("recovery-codes").waitFor();
    assert.equal(await page.getByTestId("recovery-code").count(), 10);
    await page.getByTestId("recovery-codes-done").click();
    await page.getByTestId("account-name").waitFor();
  });

  it("signs in again with the passkey as the second factor", async () => {
    await page.getByTestId("logout").click();
    await page.getByTestId("login-email").fill(email);
    await page.getByTestId("login-password").fill(password);
    await page.getByTestId("login-submit").click();
    await page.getByTestId("second-factor-recovery_code").waitFor();
    assert.equal(await page.getByTestId("totp-code").count(), 0, "no TOTP is enrolled, so no code field");
    await page.getByTestId("totp-submit").click();
    await page.getByTestId("account-name").waitFor();
  });

  it("lists the passkey by name on the security settings page", async () => {
    await page.getByTestId("security-settings-link").click();
    await page.getByTestId("passkey-item").first().waitFor();
    assert.match((await page.getByTestId("passkey-list").textContent()) ?? "", /仮想キー/);
    assert.match((await page.getByTestId("recovery-codes-remaining").textContent()) ?? "", /残り 10 個/);
    assert.deepEqual(errors, []);
  });
});
