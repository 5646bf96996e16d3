import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as oidcClient from "openid-client";
import { generate } from "otplib";
import type { Browser } from "playwright-core";
import { startTestApp, type TestApp } from "../../src/testing/index.js";
import { postLogoutRedirectUri, redirectUri, registerClient, relyingParty } from "../oidc-helpers.js";
import { chromiumSkip, launchChromium, trackRequests, waitForQuiet } from "./browser-support.js";


/** Real time plus an offset, so a fresh TOTP step is available without waiting. */
const serverClock = { offsetMs: 0, now: () => new Date(Date.now() + serverClock.offsetMs) };

// Priority of the sign-in: an OAuth client's authorization request is answered by Mamori's own sign-in page
// (password + TOTP), then the browser returns to the client with a code (AUTH-7).
describe("signing in to an OAuth client through the web UI (browser)", { skip: chromiumSkip, timeout: 120_000 }, () => {
  let app: TestApp;
  let browser: Browser;

  before(async () => {
    app = await startTestApp({ clock: serverClock });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows the Mamori sign-in, takes password and TOTP, and sends the browser back to the client with a code", async () => {
    const admin = await app.signedInUser("admin");
    const doctor = await app.signedInUser("doctor");
    const rp = await relyingParty(app, await registerClient(admin));
    const verifier = oidcClient.randomPKCECodeVerifier();
    const state = oidcClient.randomState();
    const url = oidcClient.buildAuthorizationUrl(rp, { redirect_uri: redirectUri, scope: "openid user/*.rs", code_challenge: await oidcClient.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", state });

    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "ja-JP" });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    trackRequests(page);
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    // The client is not running: its callback request is caught, not answered.
    const callbackRequest = page.waitForRequest((request) => request.url().startsWith(redirectUri), { timeout: 30_000 });

    await page.goto(url.href);
    await page.waitForURL((current) => current.pathname === "/");
    await page.getByTestId("login-email").fill(doctor.email);
    assert.ok(!page.url().includes("continue="), "the interaction is kept out of the address bar");
    await page.getByTestId("login-password").fill(doctor.password);
    await page.getByTestId("login-submit").click();
    await page.getByTestId("totp-code").waitFor();
    await waitForQuiet(page);
    serverClock.offsetMs += 30_000;
    await page.getByTestId("totp-code").fill(await generate({ secret: doctor.totpSecret, epoch: Math.floor(serverClock.now().getTime() / 1000) }));
    await page.getByTestId("totp-submit").click();
    const callback = new URL((await callbackRequest).url());
    assert.ok(callback.searchParams.get("code"), `the browser came back to the client with a code: ${callback.searchParams.get("error") ?? ""}`);
    const tokens = await oidcClient.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedState: state });
    assert.equal(tokens.claims()?.sub, doctor.accountId);

    // RP-initiated logout: the confirmation form posts to the provider, which sends the browser back to the client.
    // A new tab of the same browser (same cookies): the first one is still settling on the unreachable client's
    // error page, whose navigation would race with the next one.
    const logoutPage = await context.newPage();
    logoutPage.on("pageerror", (error) => problems.push(error.message));
    const loggedOut = logoutPage.waitForRequest((request) => request.url().startsWith(postLogoutRedirectUri), { timeout: 30_000 });
    await logoutPage.goto(oidcClient.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: postLogoutRedirectUri }).href);
    await logoutPage.getByRole("button", { name: "ログアウト / Sign out" }).click();
    await loggedOut;
    assert.deepEqual(problems, []);
    await context.close();
  });

  it("asks consent for a third-party app in the browser and sends the browser back to it (CSP allows the redirect)", async () => {
    const admin = await app.signedInUser("admin");
    const doctor = await app.signedInUser("doctor");
    const rp = await relyingParty(app, await registerClient(admin, { name: "外部アプリ", isFirstParty: false, isConfidential: false, scopes: ["openid", "user/*.rs"] }));
    const verifier = oidcClient.randomPKCECodeVerifier();
    const url = oidcClient.buildAuthorizationUrl(rp, { redirect_uri: redirectUri, scope: "openid user/*.rs", code_challenge: await oidcClient.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", state: "st" });
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "ja-JP" });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    trackRequests(page);
    const callbackRequest = page.waitForRequest((request) => request.url().startsWith(redirectUri), { timeout: 30_000 });
    await page.goto(url.href);
    await page.getByTestId("login-email").fill(doctor.email);
    await page.getByTestId("login-password").fill(doctor.password);
    await page.getByTestId("login-submit").click();
    // The password step is answered before the server's clock moves on to a fresh TOTP step.
    await page.getByTestId("totp-code").waitFor();
    await waitForQuiet(page);
    serverClock.offsetMs += 30_000;
    await page.getByTestId("totp-code").fill(await generate({ secret: doctor.totpSecret, epoch: Math.floor(serverClock.now().getTime() / 1000) }));
    await page.getByTestId("totp-submit").click();
    await page.getByText("user/*.rs").waitFor();
    assert.match(await page.content(), /外部アプリ/);
    await page.getByRole("button", { name: "許可する" }).click();
    const callback = new URL((await callbackRequest).url());
    assert.ok(callback.searchParams.get("code"));
    await context.close();
  });

  it("lets an administrator register a client on the admin page and shows its secret once", async () => {
    const admin = await app.signedInUser("admin");
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "ja-JP" });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    trackRequests(page);
    await page.goto(`${app.baseUrl}/`);
    await page.getByTestId("login-email").fill(admin.email);
    await page.getByTestId("login-password").fill(admin.password);
    await page.getByTestId("login-submit").click();
    await page.getByTestId("totp-code").waitFor();
    await waitForQuiet(page);
    serverClock.offsetMs += 30_000;
    await page.getByTestId("totp-code").fill(await generate({ secret: admin.totpSecret, epoch: Math.floor(serverClock.now().getTime() / 1000) }));
    await page.getByTestId("totp-submit").click();
    await page.getByTestId("oauth-client-name").waitFor();
    // The client list loads on its own, with no loading text: an answer to that first load arriving after the
    // registration's reload would hide the new client.
    await waitForQuiet(page);
    await page.getByTestId("oauth-client-name").fill("画面登録アプリ");
    await page.getByTestId("oauth-client-redirect").fill("https://app.example.test/callback");
    await page.getByTestId("oauth-client-submit").click();
    const secret = (await page.getByTestId("oauth-client-secret").textContent()) ?? "";
    assert.ok(secret.length >= 20);
    await page.getByText("画面登録アプリ").first().waitFor();
    await page.reload();
    await page.getByTestId("oauth-clients").getByText("画面登録アプリ").waitFor();
    assert.ok(!(await page.content()).includes(secret), "the secret is not shown again");
    await context.close();
  });
});
