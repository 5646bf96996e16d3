import { spawn } from "node:child_process";
import { access } from "node:fs/promises";
import type { Config } from "../config/index.js";
import { dependencyAuditScript } from "../supply-chain/index.js";

/**
 * `mamori supply-chain audit [--output FILE]`: audits the installed runtime dependencies with the CI gate
 * (.ci/npm-audit.mjs) and records the dated result where compliance check VUL-1 reads it (MAMORI_DEPENDENCY_AUDIT_FILE).
 * Exit 0 passed, 1 refused findings, 3 when the registry could not audit (nothing is recorded then).
 */
export async function runDependencyAuditCommand(config: Readonly<Config>, argv: string[]): Promise<number> {
  const at = argv.indexOf("--output");
  const output = at >= 0 ? argv[at + 1] : config.supplyChain.dependencyAuditFile;
  if (!output) {
    process.stderr.write("usage: mamori supply-chain audit [--output FILE]\n");
    return 2;
  }
  if (!(await access(dependencyAuditScript).then(() => true, () => false))) {
    process.stderr.write("this installed tree has no .ci/npm-audit.mjs; no audit was run and nothing was recorded\n");
    return 3;
  }
  const child = spawn(process.execPath, [dependencyAuditScript, "--record", output], { stdio: "inherit" });
  return new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => resolve(code ?? 3));
  });
}
