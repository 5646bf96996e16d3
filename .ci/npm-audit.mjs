#!/usr/bin/env node
// Dependency audit gate (VUL-1): `npm audit --omit dev --audit-level=high` over the runtime tree.
// - fails on a high or critical advisory unless .ci/audit-allowlist.json lists it with a justification;
// - fails closed (exit 3) when no audit result could be had (registry unreachable, a mirror without the audit
//   endpoint, no JSON): dependencies that were not audited are not a passed gate.
// `--record FILE` writes the dated result with the lock file's SHA-256 (the product's dependency.audit check reads it,
// `mamori supply-chain audit` runs this script to write it), `--report FILE` evaluates a saved `npm audit --json`
// report instead of asking the registry, `--allow-list FILE` reads another allow-list and `--lock-file FILE` names
// the lock file audited (tests).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { promisify } from "node:util";

const blocking = new Set(["high", "critical"]);
const defaultAllowList = new URL("./audit-allowlist.json", import.meta.url);
const defaultLockFile = new URL("../package-lock.json", import.meta.url);
const couldNotAudit = 3;
const option = (argv, name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);

async function auditReport(argv) {
  const saved = option(argv, "--report");
  if (saved) return JSON.parse(await readFile(saved, "utf8"));
  // npm audit exits 1 when it finds something; the JSON on stdout is what matters.
  const { stdout } = await promisify(execFile)("npm", ["audit", "--omit", "dev", "--audit-level=high", "--json"], { maxBuffer: 64 * 1024 * 1024 }).catch((error) => error);
  try {
    return JSON.parse(stdout || "{}");
  } catch {
    return { error: { summary: "npm audit printed no JSON" } };
  }
}

/** Each blocking advisory as { id (advisory URL), package, severity, title }. */
function blockingAdvisories(report) {
  const found = new Map();
  for (const [name, vulnerability] of Object.entries(report.vulnerabilities ?? {})) {
    for (const via of vulnerability.via ?? []) {
      if (typeof via !== "object" || !blocking.has(via.severity)) continue;
      const id = via.url ?? `${name}:${via.source}`;
      found.set(`${id} ${name}`, { id, package: name, severity: via.severity, title: via.title ?? "" });
    }
  }
  return [...found.values()];
}

/** Writes the result atomically: a reader never sees half a file. */
async function record(file, result) {
  await writeFile(`${file}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}

async function main() {
  const argv = process.argv.slice(2);
  const report = await auditReport(argv);
  if (!report.vulnerabilities) {
    const reason = report.error?.summary || report.message || "no audit report";
    process.stdout.write(`npm audit: FAILED — the registry's audit service could not be used (${reason}); dependencies were NOT audited.\n`);
    return couldNotAudit;
  }
  const allowList = JSON.parse(await readFile(option(argv, "--allow-list") ?? defaultAllowList, "utf8"));
  const allowed = new Map(allowList.advisories.map((entry) => [entry.id, entry]));
  for (const entry of allowList.advisories) {
    if (!entry.justification?.trim()) throw new Error(`allow-list entry ${entry.id} has no justification`);
  }
  const advisories = blockingAdvisories(report);
  const refused = advisories.filter((advisory) => !allowed.has(advisory.id));
  for (const advisory of advisories) {
    const allowance = allowed.get(advisory.id);
    process.stdout.write(`${allowance ? "allowed" : "BLOCKING"}: ${advisory.severity} ${advisory.package} — ${advisory.title} (${advisory.id})${allowance ? ` — ${allowance.justification}` : ""}\n`);
  }
  process.stdout.write(`npm audit: ${advisories.length} high/critical advisories, ${refused.length} not allowed\n`);
  const recordFile = option(argv, "--record");
  if (recordFile) {
    const lockFile = await readFile(option(argv, "--lock-file") ?? defaultLockFile);
    await record(recordFile, {
      format: "mamori-dependency-audit",
      version: 1,
      auditedAt: new Date().toISOString(),
      lockfileSha256: createHash("sha256").update(lockFile).digest("hex"),
      scope: "runtime (npm audit --omit dev), high and critical",
      advisories: advisories.length,
      allowed: advisories.length - refused.length,
      refused: refused.map((advisory) => advisory.id),
    });
  }
  return refused.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`npm audit gate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
