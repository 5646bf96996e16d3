import { outcome, type ComplianceCheck } from "../check.js";

const hourMs = 3_600_000;

/**
 * VUL-1: the runtime dependencies were audited for high and critical advisories recently, of the lock file installed
 * here, and every finding is allowed with a justification. The audit needs the registry's audit service, so the check
 * reads the result `mamori supply-chain audit` (or the CI gate) recorded; no result, an old one or one of another lock
 * file is unknown, never met: an audit that did not happen proves nothing.
 */
export const dependencyAudit: ComplianceCheck = {
  id: "dependency.audit",
  title: { ja: "依存パッケージの脆弱性監査", en: "Dependency vulnerability audit" },
  async run({ supplyChain, clock }) {
    const maxAgeHours = supplyChain.dependencyAuditMaxAgeMs / hourMs;
    let recorded;
    try {
      recorded = await supplyChain.dependencyAudit();
    } catch {
      return outcome("unknown", "the recorded dependency audit result is not readable", { maxAgeHours });
    }
    if (!recorded) return outcome("unknown", "no dependency audit result has been recorded (mamori supply-chain audit)", { maxAgeHours });
    const ageMs = clock.now().getTime() - recorded.auditedAt.getTime();
    const installed = await supplyChain.lockfileSha256();
    const evidence = {
      auditedAt: recorded.auditedAt.toISOString(),
      ageHours: Math.floor((ageMs / hourMs) * 10) / 10,
      maxAgeHours,
      lockfileMatches: installed === recorded.lockfileSha256,
      advisories: recorded.advisories,
      allowed: recorded.allowed,
      refused: recorded.refused,
    };
    if (installed !== recorded.lockfileSha256) return outcome("unknown", "the recorded audit is of another dependency tree than the one installed", evidence);
    if (ageMs > supplyChain.dependencyAuditMaxAgeMs || ageMs < 0) return outcome("unknown", "the recorded audit is older than its maximum age: advisories published since are not in it", evidence);
    if (recorded.refused.length > 0) return outcome("not_met", "high or critical advisories without a justified allowance", evidence);
    return outcome("met", "the installed runtime dependencies were audited recently; every high or critical finding is allowed with a justification", evidence);
  },
};
