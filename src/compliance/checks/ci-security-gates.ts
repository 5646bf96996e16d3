import { execFile } from "node:child_process";
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "../../supply-chain/index.js";
import { outcome, type ComplianceCheck } from "../check.js";

/** What the CI script must run before the tests, and how each step shows in it. */
const gates = {
  lint: /npm run (--silent )?lint\b/,
  secretScan: /\bsecretlint\b/,
  dependencyAudit: /\.ci\/npm-audit\.mjs/,
  sbom: /\bmamori\.ts sbom\b|\bcyclonedx-npm\b/,
} as const;

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/**
 * Runs the dependency audit gate on an answer saying the registry could not audit: a gate that then exits 0 fails
 * open, and a step that never blocks is no gate. True when it refuses (fails closed).
 */
async function auditGateFailsClosed(root: string): Promise<boolean> {
  const script = path.join(root, ".ci", "npm-audit.mjs");
  if (!(await exists(script))) return false;
  const dir = await mkdtemp(path.join(os.tmpdir(), "mamori-audit-probe-"));
  try {
    const report = path.join(dir, "unaudited.json");
    await writeFile(report, JSON.stringify({ message: "compliance probe: the audit service did not answer" }));
    return await promisify(execFile)(process.execPath, [script, "--report", report], { timeout: 10_000 }).then(
      () => false,
      (error: { code?: unknown }) => typeof error.code === "number" && error.code !== 0,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * JIS-1: the CI definition of the installed tree (.ci/run) runs lint, secret scan, dependency audit and SBOM, and the
 * dependency audit gate fails closed when no audit could be had (exercised, not read from the script's text).
 */
export function ciSecurityGatesAt(root: string): ComplianceCheck {
  return {
    id: "ci.security_gates",
    title: { ja: "CIのセキュリティ検査", en: "CI security gates" },
    async run() {
      const script = await readFile(path.join(root, ".ci", "run"), "utf8").catch(() => undefined);
      // A deployment without the repository's CI folder cannot show its gates: not checked rather than not met.
      if (script === undefined) return outcome("unknown", "no .ci/run in the installed tree", {});
      const lines = script.split("\n").filter((line) => !line.trim().startsWith("#"));
      const listed = Object.entries(gates).filter(([, pattern]) => lines.some((line) => pattern.test(line))).map(([name]) => name);
      const auditFailsClosed = listed.includes("dependencyAudit") && (await auditGateFailsClosed(root));
      const present = listed.filter((name) => name !== "dependencyAudit" || auditFailsClosed);
      const missing = Object.keys(gates).filter((name) => !present.includes(name));
      const lintRules = await exists(path.join(root, ".oxlintrc.json"));
      // A CI that goes on when nothing could be audited (the gate's exit 3 tolerated) has the gate, not its block.
      const toleratesUnaudited = lines.some((line) => /\bMAMORI_CI_TOLERATE_UNAUDITED=1\b/.test(line));
      const evidence = { gates: present, missing, lintRules, dependencyAuditFailsClosed: auditFailsClosed, ciToleratesUnaudited: toleratesUnaudited };
      if (missing.length > 0 || !lintRules) return outcome("not_met", `CI lacks: ${[...missing, ...(lintRules ? [] : [".oxlintrc.json"])].join(", ")}${listed.includes("dependencyAudit") && !auditFailsClosed ? " (the dependency audit step passes when nothing was audited)" : ""}`, evidence);
      if (toleratesUnaudited) return outcome("partial", "CI runs lint with security rules, secret scan, the dependency audit gate and SBOM, but goes on when the registry could not audit (MAMORI_CI_TOLERATE_UNAUDITED in .ci/run)", evidence);
      return outcome("met", "CI runs lint with security rules, secret scan, a dependency audit that fails closed, and SBOM before the tests", evidence);
    },
  };
}

export const ciSecurityGates = ciSecurityGatesAt(projectRoot);
