import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { startTestApp, type SignedInUser, type TestApp } from "../../src/testing/index.js";
import { chromiumSkip, launchChromium, trackRequests, waitForQuiet } from "./browser-support.js";


/** Real time plus an offset, so a fresh TOTP time step is available without waiting for one. */
const serverClock = {
  offsetMs: 0,
  now: () => new Date(Date.now() + serverClock.offsetMs),
};

// AUTH-6 in the web UI: an administrator deactivates a doctor, whose session ends at once, then reactivates them.
describe("account administration in the web UI (browser)", { skip: chromiumSkip, timeout: 120_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let admin: SignedInUser;
  let doctor: SignedInUser;

  before(async () => {
    app = await startTestApp({ clock: serverClock });
    admin = await app.signedInUser("admin");
    doctor = await app.signedInUser("doctor");
    // Two backup generations and a passed restore drill, as `mamori backup` and `mamori backup drill` leave them.
    await mkdir(app.config.backup.dir, { recursive: true });
    for (const name of ["mamori-20260401T010000Z.mbk", "mamori-20260402T010000Z.mbk"]) await writeFile(path.join(app.config.backup.dir, name), "");
    await app.mamori.audit.record({ action: "backup.drill", outcome: "success", reasonCode: "backup.drill_passed", actor: { accountId: "operator" }, network: { ip: "127.0.0.1", userAgent: "mamori-cli" } });
    browser = await launchChromium();
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "ja-JP", viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    trackRequests(page);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows the backup status on the home page, deactivates a doctor from the accounts page, ending their session, and reactivates them", async () => {
    serverClock.offsetMs += 30_000; // the enrolment code's time step cannot be used again
    await page.goto(`${app.baseUrl}/login`);
    await page.getByTestId("login-email").fill(admin.email);
    await page.getByTestId("login-password").fill(admin.password);
    await page.getByTestId("login-submit").click();
    await page.getByTestId("totp-code").fill(await admin.totpCode());
    await page.getByTestId("totp-submit").click();
    await page.getByTestId("backup-generations").waitFor();
    assert.match((await page.getByTestId("backup-newest-at").textContent()) ?? "", /2026年4月2日/);
    assert.match((await page.getByTestId("backup-generations").textContent()) ?? "", /^2世代/);
    assert.match((await page.getByTestId("backup-last-drill").textContent()) ?? "", /成功$/);
    await page.getByTestId("open-users").click();

    const row = page.locator(`[data-testid="account-row"][data-account-id="${doctor.accountId}"]`);
    await row.getByTestId("account-status").filter({ hasText: "有効" }).waitFor();
    await row.getByTestId("account-show-sessions").click();
    await row.getByTestId("session-row").first().waitFor();

    await row.getByTestId("account-deactivate").click();
    await row.getByTestId("account-status").filter({ hasText: "停止中" }).waitFor();
    assert.equal((await doctor.client.get("/api/session")).json.stage, "anonymous");

    await row.getByTestId("account-reactivate").click();
    await row.getByTestId("account-status").filter({ hasText: "有効" }).waitFor();
    await waitForQuiet(page);
    serverClock.offsetMs += 30_000;
    const login = await doctor.client.post("/api/auth/login", { email: doctor.email, password: doctor.password });
    assert.equal(login.json.stage, "mfa_required");
  });

  // AUTH-6: an invitation is a way in until used; the administrator sees the open ones and withdraws one at once.
  it("lists a new invitation among those not yet used, with its inviter, and revokes it so its link stops working", async () => {
    await page.goto(`${app.baseUrl}/`);
    await page.getByTestId("pending-invitations").waitFor();
    // The list loads on its own: an answer to that first load arriving after the new invitation's reload would hide it.
    await page.getByTestId("pending-invitations").getByText("読み込み中…").waitFor({ state: "detached" });
    await page.getByTestId("invite-email").fill("invitee@example.test");
    await page.getByTestId("invite-role").selectOption("nurse");
    await page.getByTestId("invite-submit").click();
    const link = (await page.getByTestId("invitation-url").textContent()) ?? "";
    const token = new URL(link).hash.replace("#token=", "");
    const row = page.getByTestId("pending-invitation").filter({ hasText: "invitee@example.test" });
    await row.waitFor();
    assert.match((await row.textContent()) ?? "", /看護師/);
    assert.ok(!((await page.getByTestId("pending-invitations").textContent()) ?? "").includes(token), "no token in the list");
    assert.equal((await app.client().post("/api/invitations/lookup", { token })).status, 200);

    await row.getByTestId("invitation-revoke").click();
    await page.getByTestId("invitation-revoked").waitFor();
    await row.waitFor({ state: "detached" });
    assert.equal((await app.client().post("/api/invitations/lookup", { token })).status, 404, "the revoked link no longer works");
  });

  // ACC-2: adding a clinical role to an administrator waits for a second administrator, who approves it on the same screen.
  it("holds a role change that mixes duties as 承認待ち until another administrator approves it", async () => {
    const target = await app.signedInUser("admin");
    const approver = await app.signedInUser("admin");
    await page.goto(`${app.baseUrl}/admin/users`);
    const row = page.locator(`[data-testid="account-row"][data-account-id="${target.accountId}"]`);
    await row.getByTestId("account-edit-roles").click();
    await row.getByTestId("role-doctor").check();
    await row.getByTestId("account-save-roles").click();
    assert.match((await row.getByTestId("account-roles-pending").textContent()) ?? "", /承認待ち/);
    const mine = page.locator(`[data-testid="role-request"][data-account-id="${target.accountId}"]`);
    await mine.waitFor();
    assert.match((await mine.textContent()) ?? "", /管理者・医師/);
    assert.equal(await mine.getByTestId("role-request-approve").isDisabled(), true, "the requester cannot approve");
    assert.deepEqual((await app.mamori.identity.accounts.get(target.accountId))?.roles, ["admin"]);

    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "ja-JP", viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    const second = await context.newPage();
    trackRequests(second);
    serverClock.offsetMs += 30_000;
    await second.goto(`${app.baseUrl}/login`);
    await second.getByTestId("login-email").fill(approver.email);
    await second.getByTestId("login-password").fill(approver.password);
    await second.getByTestId("login-submit").click();
    await second.getByTestId("totp-code").fill(await approver.totpCode());
    await second.getByTestId("totp-submit").click();
    await second.getByTestId("open-users").click();
    const theirs = second.locator(`[data-testid="role-request"][data-account-id="${target.accountId}"]`);
    await theirs.getByTestId("role-request-approve").click();
    await second.getByTestId("role-request-decided").waitFor();
    await theirs.waitFor({ state: "detached" });
    assert.deepEqual((await app.mamori.identity.accounts.get(target.accountId))?.roles, ["admin", "doctor"]);
    await waitForQuiet(second);
    await context.close();
  });

  it("shows the administrator's own sessions on the account page", async () => {
    await page.getByTestId("open-my-account").click();
    const current = page.getByTestId("session-row").filter({ hasText: "この端末" });
    await current.waitFor();
    assert.equal(await current.count(), 1);
  });
});
