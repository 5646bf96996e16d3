import { outcome, type ComplianceCheck } from "../check.js";
import { createComplianceStore } from "../store.js";

// OWASP CRS scores a critical match 5: at a threshold above 5 a single critical attack pattern passes.
const maxThreshold = 5;
const windowDays = 30;

/**
 * NET-1: request inspection (src/waf, src/http/plugins/waf.ts) refuses attacks. `block` mode at a threshold of at
 * most 5 is met; detect-only, or a threshold that lets one critical match through, only audits and is partial.
 * The blocks of the last 30 days show that inspection is at work.
 */
export const wafEnabled: ComplianceCheck = {
  id: "waf.enabled",
  title: { ja: "リクエスト検査（WAF）の遮断", en: "Request inspection (WAF) blocking" },
  async run({ config, db, clock }) {
    const { mode, paranoia, threshold } = config.waf;
    const since = new Date(clock.now().getTime() - windowDays * 86_400_000);
    const blocksLast30Days = await createComplianceStore(db.kysely).auditCountSince("waf.block", since);
    const evidence = { mode, paranoia, threshold, maxThreshold, blocksLast30Days };
    if (mode !== "block") return outcome("partial", "request inspection only detects (MAMORI_WAF_MODE=detect-only): attacks are audited, not refused", evidence);
    if (threshold > maxThreshold) return outcome("partial", `request inspection blocks only at an anomaly score of ${threshold} (above ${maxThreshold}): a single critical match passes`, evidence);
    return outcome("met", "request inspection refuses requests whose anomaly score reaches the threshold", evidence);
  },
};
