import { readFile } from "node:fs/promises";
import { outcome, type ComplianceCheck } from "../check.js";

const packageJson = new URL("../../../package.json", import.meta.url);

const parse = (version: string) => version.replace(/^[^\d]*/, "").split(".").map((part) => Number.parseInt(part, 10) || 0);
const atLeast = (actual: number[], minimum: number[]) => {
  for (let i = 0; i < 3; i += 1) if ((actual[i] ?? 0) !== (minimum[i] ?? 0)) return (actual[i] ?? 0) > (minimum[i] ?? 0);
  return true;
};

/**
 * VUL-1: the running Node.js satisfies the minimum the package declares (engines.node, `>=x.y`). Whether that line
 * is still supported upstream is the runtime EOL check's question (runtime.eol).
 */
export const runtimeVersion: ComplianceCheck = {
  id: "runtime.version",
  title: { ja: "実行環境のバージョン", en: "Runtime version" },
  async run() {
    const declared = (JSON.parse(await readFile(packageJson, "utf8")) as { engines?: { node?: string } }).engines?.node;
    const evidence = { node: process.versions.node, openssl: process.versions.openssl, v8: process.versions.v8, declaredMinimum: declared ?? null };
    const minimum = declared && /^>=\s*\d/.test(declared) ? parse(declared) : undefined;
    if (!minimum) return outcome("unknown", "package.json declares no >= minimum for node", evidence);
    return atLeast(parse(process.versions.node), minimum) ? outcome("met", "runtime satisfies the declared minimum", evidence) : outcome("not_met", "runtime older than the declared minimum", evidence);
  },
};
