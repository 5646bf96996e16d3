import { eolReport } from "../../supply-chain/index.js";
import { outcome, type ComplianceCheck } from "../check.js";

/** VUL-1: nothing this installation runs (Node.js, the database server, tracked packages) is past its end of life. */
export const runtimeEol: ComplianceCheck = {
  id: "runtime.eol",
  title: { ja: "実行環境・依存関係のサポート期限", en: "End of life of runtime and dependencies" },
  async run({ supplyChain, clock }) {
    const entries = eolReport(clock.now(), await supplyChain.installedVersions(), supplyChain.eolTable);
    const label = (entry: { component: string; version: string; eolDate: string | null }) => `${entry.component} ${entry.version}${entry.eolDate ? ` (EOL ${entry.eolDate})` : ""}`;
    const pastEol = entries.filter((entry) => entry.status === "eol").map(label);
    const unknown = entries.filter((entry) => entry.status === "unknown").map(label);
    const reviewedAt = entries.map((entry) => entry.reviewedAt).filter((date) => date !== null).sort()[0] ?? null;
    const evidence = { components: entries.length, supported: entries.length - pastEol.length - unknown.length, pastEol, unknown, oldestReview: reviewedAt };
    if (pastEol.length > 0) return outcome("not_met", `past end of life: ${pastEol.join(", ")}`, evidence);
    if (unknown.length > 0) return outcome("partial", `end of life not known for: ${unknown.join(", ")}`, evidence);
    return outcome("met", "every tracked component is within its support period", evidence);
  },
};
