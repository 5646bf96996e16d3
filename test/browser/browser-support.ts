import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page, type Request } from "playwright-core";
import type { TestClient } from "../../src/testing/index.js";

export const chromiumPath = "/usr/bin/chromium";
/**
 * Node's test `skip` option: a reason when Chromium is missing or the browser tests are switched off, else false.
 * MAMORI_TEST_BROWSER=off is for a second pass of the suite on another database: the web UI and its flows do not
 * change with the database, so CI runs them once, in its PGlite pass, and not again on PostgreSQL.
 */
export const chromiumSkip =
  process.env["MAMORI_TEST_BROWSER"] === "off"
    ? "browser tests switched off (MAMORI_TEST_BROWSER=off)"
    : existsSync(chromiumPath)
      ? false
      : `Chromium is not installed at ${chromiumPath} (apt-get install -y chromium)`;

/** Screenshots of the main pages, kept as test artefacts (git-ignored). */
export const screenshotDir = process.env["MAMORI_SCREENSHOT_DIR"] ?? join(process.cwd(), "test-artifacts", "screenshots");

/** Headless Chromium as the other browser tests start it. */
export async function launchChromium(): Promise<Browser> {
  await mkdir(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * A Japanese browser context carrying the session cookie of a user signed in through the real flow, with a page
 * that records CSP violations and page errors into `problems`.
 */
export async function signedInPage(browser: Browser, baseUrl: string, client: TestClient | undefined, problems: string[]): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "ja-JP", viewport: { width: 1024, height: 800 } });
  context.setDefaultTimeout(15_000);
  if (client) await context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, url: baseUrl })));
  const page = await context.newPage();
  trackRequests(page);
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  return { context, page };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

let axeSource: Promise<string> | undefined;

/**
 * Runs axe-core (WCAG 2.1 A/AA rules) on the page as it is now and returns the serious and critical violations.
 * The script is evaluated through the DevTools protocol, which the page's strict CSP does not govern, so the page
 * keeps its real CSP during the check.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  const source = await axeSource;
  const alreadyLoaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === "object");
  if (!alreadyLoaded) await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] });
    return result.violations.map(({ id, impact, help, nodes }) => ({ id, impact, help, nodes: nodes.map(({ target }) => ({ target })) }));
  });
  return violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
}

/** A readable list for an assertion message. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations.map((violation) => `${violation.impact} ${violation.id}: ${violation.help} — ${violation.nodes.map((node) => JSON.stringify(node.target)).join(", ")}`).join("\n");
}

/** Saves a full-page screenshot as a test artefact. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/** The bytes of a Playwright download as text (or `binary` for a latin1 round trip into a Buffer). */
export async function readDownload(download: { createReadStream(): Promise<NodeJS.ReadableStream> }, encoding: BufferEncoding = "utf8"): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString(encoding);
}

const inFlight = new WeakMap<Page, { requests: Set<Request>; lastChange: number }>();

/** Starts counting the page's requests in flight, for `waitForQuiet`. Call once, right after creating the page. */
export function trackRequests(page: Page): void {
  const state = { requests: new Set<Request>(), lastChange: Date.now() };
  inFlight.set(page, state);
  const change = (add: boolean) => (request: Request) => {
    if (add) state.requests.add(request);
    else state.requests.delete(request);
    state.lastChange = Date.now();
  };
  page.on("request", change(true));
  // A response means the server has handled the request; its body may be left unread.
  page.on("response", (response) => change(false)(response.request()));
  page.on("requestfailed", change(false));
}

/**
 * Waits until the page has had no request in flight for `quietMs`. A test that moves the clocks waits for this first:
 * a request still on its way would otherwise reach the server after the jump and count as fresh activity.
 */
export async function waitForQuiet(page: Page, quietMs = 250, timeoutMs = 10_000): Promise<void> {
  const state = inFlight.get(page);
  if (!state) throw new Error("waitForQuiet needs trackRequests on the page");
  const deadline = Date.now() + timeoutMs;
  while (state.requests.size > 0 || Date.now() - state.lastChange < quietMs) {
    if (Date.now() > deadline) throw new Error(`still in flight after ${timeoutMs} ms: ${[...state.requests].map((request) => `${request.method()} ${new URL(request.url()).pathname}`).join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
