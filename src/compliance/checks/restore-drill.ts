import { outcome, type ComplianceCheck } from "../check.js";
import { createComplianceStore } from "../store.js";

const dayMs = 86_400_000;

/** BAK-2: the last successful restore drill (`mamori backup drill`, audited as backup.drill) is recent. */
export const restoreDrill: ComplianceCheck = {
  id: "backup.restore_drill",
  title: { ja: "直近のリストア訓練", en: "Last successful restore drill" },
  async run({ db, clock, config }) {
    const store = createComplianceStore(db.kysely);
    const lastPassed = await store.lastAuditOf("backup.drill", "success");
    const lastFailed = await store.lastAuditOf("backup.drill", "failure");
    const evidence = { lastPassedAt: lastPassed?.toISOString() ?? null, lastFailedAt: lastFailed?.toISOString() ?? null, maxAgeDays: config.compliance.drillMaxAgeDays };
    if (!lastPassed) return outcome("not_met", "no successful restore drill recorded", evidence);
    const ageDays = Math.floor((clock.now().getTime() - lastPassed.getTime()) / dayMs);
    if (ageDays > config.compliance.drillMaxAgeDays) return outcome("not_met", "the last successful restore drill is too old", { ...evidence, ageDays });
    if (lastFailed && lastFailed > lastPassed) return outcome("partial", "the latest restore drill failed", { ...evidence, ageDays });
    return outcome("met", "recent successful restore drill", { ...evidence, ageDays });
  },
};
