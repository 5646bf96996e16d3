import { outcome, type ComplianceCheck } from "../check.js";

/**
 * LOG-2: the whole hash chain verifies against itself and every signed checkpoint (stored and exported). Bounded by
 * the runner's per-check timeout: a chain too long to verify in time is reported unknown, not intact.
 */
export const auditChain: ComplianceCheck = {
  id: "audit.chain_intact",
  title: { ja: "監査ログのハッシュチェーン検証", en: "Audit hash chain verification" },
  async run({ audit }) {
    const report = await audit.verify();
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
