/**
 * Replays the OWASP CRS regression corpus and the official FHIR R4 examples against Mamori's request inspection.
 *   attack cases (expect_ids): true positive when the WAF blocks (403 `waf.blocked`)
 *   benign cases (no_expect_ids): false positive when the WAF blocks
 *   FHIR examples: POST /fhir/R4/<resourceType> as application/fhir+json; every block is a false positive
 * Each case goes through `app.inject` into the complete app, with the Origin header a browser would send (so the
 * same-origin check does not stop a write before its body is inspected).
 * Run: npx tsx bench/waf-replay.ts [--paranoia N]   (default: PL1 and PL2)
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { RecordedAuditEntry } from "../src/audit/index.js";
import { contentTypePolicy } from "../src/http/plugins/waf.js";
import { startTestApp, type TestApp } from "../src/testing/index.js";
import { createInspector, type ParanoiaLevel } from "../src/waf/index.js";
import { loadCrsCases, type ReplayCase } from "./waf-corpus.js";

// ../shared from the project root; a worktree one level deeper finds it one folder further up.
const corpora = [path.resolve(import.meta.dirname, "../../shared/corpora"), path.resolve(import.meta.dirname, "../../../shared/corpora")].find((candidate) => existsSync(candidate)) ?? "../shared/corpora";
const crsRoot = process.env["CRS_DIR"] ?? path.join(corpora, "crs-regression");
const fhirRoot = process.env["FHIR_EXAMPLES_DIR"] ?? path.join(corpora, "fhir-r4/examples");
const paranoiaArg = process.argv.indexOf("--paranoia");
const levels: ParanoiaLevel[] = paranoiaArg === -1 ? [1, 2] : [Number(process.argv[paranoiaArg + 1]) as ParanoiaLevel];
const verbose = process.argv.includes("--verbose");

interface Outcome { blocked: boolean; ruleIds: string[]; error?: string }

async function send(app: TestApp, method: string, url: string, headers: Record<string, string>, body: string | undefined, seen: RecordedAuditEntry[]): Promise<Outcome> {
  seen.length = 0;
  try {
    const response = await app.mamori.app.inject({ method: method as "GET", url, headers: { origin: app.config.publicUrl.origin, ...headers }, ...(body !== undefined ? { payload: body } : {}) });
    const json = safeJson(response.body);
    const code = json?.code ?? json?.issue?.[0]?.details?.coding?.[0]?.code;
    await app.mamori.audit.flush();
    const ruleIds = seen.flatMap((entry) => entry.inspection?.ruleIds ?? []);
    return { blocked: response.statusCode === 403 && code === "waf.blocked", ruleIds };
  } catch (error) {
    return { blocked: false, ruleIds: [], error: (error as Error).message };
  }
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const pct = (n: number, d: number) => (d === 0 ? "   -  " : `${((100 * n) / d).toFixed(1).padStart(5)}%`);

async function replayCrs(app: TestApp, cases: ReplayCase[], seen: RecordedAuditEntry[]) {
  const byFamily = new Map<string, { attacks: number; blocked: number; signatureBlocked: number; benign: number; falsePositives: number; unsendable: number }>();
  const misses: string[] = [];
  for (const testCase of cases) {
    const row = byFamily.get(testCase.family) ?? { attacks: 0, blocked: 0, signatureBlocked: 0, benign: 0, falsePositives: 0, unsendable: 0 };
    byFamily.set(testCase.family, row);
    const outcome = await send(app, testCase.method, testCase.uri, testCase.headers, testCase.body, seen);
    if (outcome.error) {
      row.unsendable += 1;
      continue;
    }
    if (testCase.kind === "attack") {
      row.attacks += 1;
      if (outcome.blocked) row.blocked += 1;
      // Blocked by a signature, not only by the media-type allow-list (920100) of an app that takes no XML or multipart.
      if (outcome.blocked && outcome.ruleIds.some((id) => id !== "920100")) row.signatureBlocked += 1;
      if (!outcome.blocked) misses.push(`${testCase.family} ${testCase.ruleId}-${testCase.testId}`);
    } else {
      row.benign += 1;
      if (outcome.blocked) {
        row.falsePositives += 1;
        if (verbose) console.log(`  FP ${testCase.ruleId}-${testCase.testId}: ${outcome.ruleIds.join(",")}`);
      }
    }
  }
  return { byFamily, misses };
}

async function replayFhir(app: TestApp, seen: RecordedAuditEntry[]) {
  const files = (await readdir(fhirRoot)).filter((name) => name.endsWith(".json")).sort();
  const blocked: string[] = [];
  for (const file of files) {
    const text = await readFile(path.join(fhirRoot, file), "utf8");
    const type = (JSON.parse(text) as { resourceType: string }).resourceType;
    const outcome = await send(app, "POST", `/fhir/R4/${type}`, { "content-type": "application/fhir+json", accept: "application/fhir+json", "user-agent": "mamori-replay" }, text, seen);
    if (outcome.blocked || outcome.error) blocked.push(`${file} (${outcome.error ?? outcome.ruleIds.join(",")})`);
  }
  return { total: files.length, blocked };
}

/** p50 of app.inject for an audited FHIR read, and p50 of the inspection of the same request on its own. */
async function measureOverhead(app: TestApp, paranoia: ParanoiaLevel) {
  const doctor = await app.signedInUser("doctor");
  const created = await doctor.client.post("/fhir/R4/Patient", { resourceType: "Patient", name: [{ family: "試験", given: ["太郎"] }], gender: "male", birthDate: "1980-01-01" }, { contentType: "application/fhir+json" });
  const cookie = [...doctor.client.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  const url = `/fhir/R4/Patient/${created.json.id}`;
  const headers = { cookie, accept: "application/fhir+json", "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0" };
  const requestTimes: number[] = [];
  for (let n = 0; n < 600; n += 1) {
    const started = performance.now();
    const response = await app.mamori.app.inject({ method: "GET", url, headers });
    if (n >= 100) requestTimes.push(performance.now() - started);
    if (response.statusCode !== 200) throw new Error(`read failed: ${response.statusCode}`);
  }
  const inspector = createInspector({ paranoia, contentTypes: contentTypePolicy });
  const rawHeaders = Object.entries({ host: "localhost:80", ...headers }).flat();
  const inspectTimes: number[] = [];
  for (let n = 0; n < 5000; n += 1) {
    const started = performance.now();
    inspector.inspectHead({ method: "GET", url, headers: { host: "localhost:80", ...headers }, rawHeaders });
    if (n >= 500) inspectTimes.push(performance.now() - started);
  }
  const p50 = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { requestMs: p50(requestTimes), inspectMs: p50(inspectTimes) };
}

const { cases, skipped } = await loadCrsCases(crsRoot);
console.log(`CRS regression corpus: ${cases.length} replayable stages (${cases.filter((c) => c.kind === "attack").length} attack, ${cases.filter((c) => c.kind === "benign").length} benign), ${skipped} raw/encoded stages skipped`);
for (const paranoia of levels) {
  // Rate limits and intrusion detection off: thousands of replayed requests from one address and one account would
  // otherwise be throttled or answered by an automatic response, and this measures inspection alone.
  const app = await startTestApp({ env: { MAMORI_WAF_PARANOIA: String(paranoia), MAMORI_RATE_LIMIT_IP: "off", MAMORI_RATE_LIMIT_ACCOUNT: "off", MAMORI_RATE_LIMIT_AUTH: "off", MAMORI_IDS_ENABLED: "false" } });
  const seen: RecordedAuditEntry[] = [];
  app.mamori.audit.onAppend((entries) => seen.push(...entries.filter((entry) => entry.action.startsWith("waf."))));
  try {
    const { byFamily, misses } = await replayCrs(app, cases, seen);
    console.log(`\nParanoia level ${paranoia}, threshold ${app.config.waf.threshold}`);
    console.log("family            attacks  blocked   TPR   by signature   benign  FP   FPR   unsendable");
    const sum = { attacks: 0, blocked: 0, signatureBlocked: 0, benign: 0, falsePositives: 0, unsendable: 0 };
    for (const [family, row] of [...byFamily].sort()) {
      for (const key of Object.keys(sum) as Array<keyof typeof sum>) sum[key] += row[key];
      console.log(`${family.padEnd(17)} ${String(row.attacks).padStart(7)} ${String(row.blocked).padStart(8)} ${pct(row.blocked, row.attacks)} ${pct(row.signatureBlocked, row.attacks).padStart(14)} ${String(row.benign).padStart(8)} ${String(row.falsePositives).padStart(3)} ${pct(row.falsePositives, row.benign)} ${String(row.unsendable).padStart(6)}`);
    }
    console.log(`${"overall".padEnd(17)} ${String(sum.attacks).padStart(7)} ${String(sum.blocked).padStart(8)} ${pct(sum.blocked, sum.attacks)} ${pct(sum.signatureBlocked, sum.attacks).padStart(14)} ${String(sum.benign).padStart(8)} ${String(sum.falsePositives).padStart(3)} ${pct(sum.falsePositives, sum.benign)} ${String(sum.unsendable).padStart(6)}`);
    if (verbose) for (const miss of misses) console.log(`  miss ${miss}`);
    const fhir = await replayFhir(app, seen);
    console.log(`FHIR R4 examples: ${fhir.blocked.length} of ${fhir.total} blocked (false positives)`);
    for (const entry of fhir.blocked) console.log(`  blocked ${entry}`);
    const overhead = await measureOverhead(app, paranoia);
    console.log(`FHIR read via inject: p50 ${overhead.requestMs.toFixed(3)} ms; inspection of the same request alone: p50 ${(overhead.inspectMs * 1000).toFixed(1)} µs (${((100 * overhead.inspectMs) / overhead.requestMs).toFixed(1)}%)`);
  } finally {
    await app.close();
  }
}
