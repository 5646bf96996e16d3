import { outcome, type ComplianceCheck } from "../check.js";

class BudgetSpent extends Error {
  readonly checked: number;
  readonly total: number;
  constructor(checked: number, total: number) {
    super("verification budget spent");
    this.checked = checked;
    this.total = total;
  }
}

/**
 * LOG-2: the whole hash chain verifies against itself and every signed checkpoint (stored and exported), within a
 * time budget (most of the per-check timeout): a chain too long to verify in time stops cleanly and is reported
 * unknown with how far it got, never intact. `mamori audit verify` checks a long chain completely.
 */
export const auditChain: ComplianceCheck = {
  id: "audit.chain_intact",
  title: { ja: "監査ログのハッシュチェーン検証", en: "Audit hash chain verification" },
  async run({ audit, config }) {
    const deadline = performance.now() + config.compliance.checkTimeoutMs * 0.8;
    let report;
    try {
      report = await audit.verify((checked, total) => {
        if (performance.now() > deadline && checked < total) throw new BudgetSpent(checked, total);
      });
    } catch (error) {
      if (!(error instanceof BudgetSpent)) throw error;
      return outcome("unknown", "the chain is too long to verify within the check's time budget; run `mamori audit verify`", { entriesChecked: error.checked, entriesTotal: error.total });
    }
    const evidence = {
      entriesChecked: report.checked,
      lastSeq: report.lastSeq,
      signedCheckpoints: report.checkpoints,
      firstBrokenSeq: report.firstBroken?.seq ?? null,
      firstBrokenProblem: report.firstBroken ? String(report.firstBroken.problem) : null,
      checkpointProblems: report.checkpointProblems.length,
    };
    return report.intact ? outcome("met", "the audit chain and its checkpoints verify", evidence) : outcome("not_met", "the audit chain does not verify: entries were changed, removed or inserted", evidence);
  },
};
