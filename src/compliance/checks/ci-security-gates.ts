import { access, readFile } from "node:fs/promises";
import path from "node:path";
import { projectRoot } from "../../supply-chain/index.js";
import { outcome, type ComplianceCheck } from "../check.js";

/** What the CI script must run before the tests, and how each step shows in it. */
const gates = {
  lint: /npm run (--silent )?lint\b/,
  secretScan: /\bsecretlint\b/,
  dependencyAudit: /\.ci\/npm-audit\.mjs|\bnpm audit\b/,
  sbom: /\bmamori\.ts sbom\b|\bcyclonedx-npm\b/,
} as const;

/** JIS-1: the CI definition of the installed tree (.ci/run) runs lint, secret scan, dependency audit and SBOM. */
export function ciSecurityGatesAt(root: string): ComplianceCheck {
  return {
    id: "ci.security_gates",
    title: { ja: "CIのセキュリティ検査", en: "CI security gates" },
    async run() {
      const script = await readFile(path.join(root, ".ci", "run"), "utf8").catch(() => undefined);
      // A deployment without the repository's CI folder cannot show its gates: not checked rather than not met.
      if (script === undefined) return outcome("unknown", "no .ci/run in the installed tree", {});
      const lines = script.split("\n").filter((line) => !line.trim().startsWith("#"));
      const present = Object.entries(gates).filter(([, pattern]) => lines.some((line) => pattern.test(line))).map(([name]) => name);
      const missing = Object.keys(gates).filter((name) => !present.includes(name));
      const lintRules = await access(path.join(root, ".oxlintrc.json")).then(
        () => true,
        () => false,
      );
      const evidence = { gates: present, missing, lintRules };
      if (missing.length > 0 || !lintRules) return outcome("not_met", `CI lacks: ${[...missing, ...(lintRules ? [] : [".oxlintrc.json"])].join(", ")}`, evidence);
      return outcome("met", "CI runs lint with security rules, secret scan, dependency audit and SBOM before the tests", evidence);
    },
  };
}

export const ciSecurityGates = ciSecurityGatesAt(projectRoot);
