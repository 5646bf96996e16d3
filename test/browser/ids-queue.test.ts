import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { startTestApp } from "../../src/testing/index.js";
import { chromiumSkip, launchChromium } from "./browser-support.js";


// NET-1 / LOG-4: the security officer works the alert queue in the browser: acknowledge, close, lift a lock.
describe("intrusion detection queue (browser)", { skip: chromiumSkip, timeout: 120_000 }, () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const lockedAccount = randomUUID();

  before(async () => {
    app = await startTestApp({ env: { MAMORI_IDS_ENABLED: "false", MAMORI_IDS_BREAK_GLASS_RESPONSE: "lock_account" } });
    const officer = await app.signedInUser("security_officer");
    await app.mamori.audit.record({ action: "access.break_glass", outcome: "success", actor: { accountId: lockedAccount, roles: ["doctor"] }, patientId: "er-1", network: { ip: "10.20.30.7", userAgent: "Mozilla/5.0" } });
    await app.mamori.ids.engine.catchUp();
    browser = await launchChromium();
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "ja-JP" });
    context.setDefaultTimeout(10_000);
    // The officer's session from the API sign-in, handed to the browser as its cookie.
    await context.addCookies([...officer.client.cookies].map(([name, value]) => ({ name, value, url: app.baseUrl, secure: true, httpOnly: true, sameSite: "Strict" as const })));
    page = await context.newPage();
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) problems.push(message.text());
    });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it("lists the alert with its rule and evidence, and moves it to acknowledged, then closed", async () => {
    await page.goto(`${app.baseUrl}/`);
    await page.getByTestId("open-ids").click();
    const row = page.locator('[data-testid="ids-alerts"] tr[data-rule="break_glass"]');
    await row.waitFor();
    assert.match((await row.textContent()) ?? "", /緊急時アクセス/);
    assert.ok(((await row.textContent()) ?? "").includes(lockedAccount));
    await row.getByTestId("ids-note").fill("救急外来の夜間対応を確認中");
    await row.getByTestId("ids-acknowledge").click();
    await page.waitForFunction(() => document.querySelector('tr[data-rule="break_glass"] [data-testid="ids-state"]')?.textContent?.includes("確認中"));
    await row.getByTestId("ids-close").click();
    await page.waitForFunction(() => document.querySelector('tr[data-rule="break_glass"] [data-testid="ids-state"]')?.textContent?.includes("完了"));
    const [alert] = await app.mamori.db.kysely.selectFrom("ids_alert" as never).select(["state", "acknowledged_note"] as never).execute() as Array<{ state: string; acknowledged_note: string }>;
    assert.deepEqual(alert, { state: "closed", acknowledged_note: "救急外来の夜間対応を確認中" });
  });

  it("lifts the account lock the alert's response set", async () => {
    const lock = page.locator('[data-testid="ids-restrictions"] tr', { hasText: lockedAccount });
    await lock.waitFor();
    await lock.getByTestId("ids-lift").click();
    await page.getByText("有効な制限はありません。").waitFor();
    assert.equal(await app.mamori.ids.checks.isAccountLocked(lockedAccount), false);
    assert.deepEqual(problems, []);
  });
});
