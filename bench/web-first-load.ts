/**
 * Web UI weight and first load, beside a baseline measured in the same run:
 *   bundle      the production build in dist/web: JS and CSS raw, gzip (level 9) and brotli (quality 11), and the total
 *   first load  a fresh Chromium context navigating to the sign-in page over HTTPS on loopback, from navigation start
 *               to the load event (median of BENCH_WEB_RUNS, default 5), and until the sign-in form is on screen
 *   baseline    a bare static index.html (no script, no style) served by plain Fastify over HTTPS with the same
 *               certificate, measured the same way
 * Build first: npx vite build --config web/vite.config.ts. Run: tsx bench/web-first-load.ts
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import Fastify from "fastify";
import type { Browser, Page } from "playwright-core";
import { freePort } from "../src/testing/free-port.js";
import { startTestApp } from "../src/testing/index.js";
import { launchChromium } from "../test/browser/browser-support.js";

const runs = Number(process.env["BENCH_WEB_RUNS"] ?? 5);
const distDir = join(process.cwd(), "dist", "web");

interface Weight {
  files: number;
  raw: number;
  gzip: number;
  brotli: number;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]))));
  return nested.flat();
}

async function weigh(paths: readonly string[]): Promise<Weight> {
  const weight: Weight = { files: 0, raw: 0, gzip: 0, brotli: 0 };
  for (const path of paths) {
    const bytes = await readFile(path);
    weight.files += 1;
    weight.raw += bytes.length;
    weight.gzip += gzipSync(bytes, { level: 9 }).length;
    weight.brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return weight;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One cold navigation: a new context has an empty cache, so every asset is fetched as on a first visit. */
async function firstLoad(browser: Browser, url: string, readySelector: string | undefined): Promise<{ load: number; ready: number }> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: "ja-JP" });
  try {
    const page: Page = await context.newPage();
    await page.goto(url, { waitUntil: "load" });
    const load = await page.evaluate(() => (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).loadEventEnd);
    let ready = load;
    if (readySelector) {
      await page.locator(readySelector).waitFor();
      ready = await page.evaluate(() => performance.now());
    }
    return { load, ready };
  } finally {
    await context.close();
  }
}

async function measure(browser: Browser, url: string, readySelector?: string): Promise<{ load: number; ready: number }> {
  await firstLoad(browser, url, readySelector); // warm-up: server code paths and Chromium's own start-up
  const samples = [];
  for (let i = 0; i < runs; i += 1) samples.push(await firstLoad(browser, url, readySelector));
  return { load: median(samples.map((sample) => sample.load)), ready: median(samples.map((sample) => sample.ready)) };
}

await stat(join(distDir, "index.html")).catch(() => {
  throw new Error("dist/web is missing: run npx vite build --config web/vite.config.ts first");
});
const all = await filesUnder(distDir);
const js = await weigh(all.filter((path) => path.endsWith(".js")));
const css = await weigh(all.filter((path) => path.endsWith(".css")));
const total = await weigh(all);
console.log("web bundle (dist/web)        files       raw       gzip     brotli");
for (const [name, weight] of [["JS", js], ["CSS", css], ["total (all files)", total]] as const) {
  console.log(`  ${name.padEnd(26)} ${String(weight.files).padStart(5)} ${kib(weight.raw).padStart(11)} ${kib(weight.gzip).padStart(10)} ${kib(weight.brotli).padStart(10)}`);
}

const app = await startTestApp();
const baseline = Fastify({ https: { key: app.mamori.tls.key, cert: app.mamori.tls.cert } });
baseline.get("/", async (_request, reply) => reply.type("text/html; charset=utf-8").send('<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>Mamori</title></head><body><p>Mamori</p></body></html>'));
const baselinePort = await freePort();
await baseline.listen({ host: "127.0.0.1", port: baselinePort });
const browser = await launchChromium();
try {
  const bare = await measure(browser, `https://127.0.0.1:${baselinePort}/`);
  const mamori = await measure(browser, `${app.baseUrl}/login`, "[data-testid=login-submit]");
  console.log(`first load on loopback, median of ${runs} cold navigations (Chromium, HTTPS)`);
  console.log(`  baseline bare index.html    load event ${bare.load.toFixed(0).padStart(5)} ms`);
  console.log(`  Mamori sign-in page         load event ${mamori.load.toFixed(0).padStart(5)} ms   sign-in form on screen ${mamori.ready.toFixed(0)} ms   (+${(mamori.load - bare.load).toFixed(0)} ms over baseline to load)`);
} finally {
  await browser.close();
  await baseline.close();
  await app.close();
}
