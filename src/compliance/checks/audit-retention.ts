import { outcome, type ComplianceCheck } from "../check.js";

// 診療録 are kept 5 years (医師法 §24); the access log is kept at least as long (MHLW 運用編 アクセスログ).
const legalYears = 5;

/** LOG-1: the audit retention setting keeps entries at least 5 years. */
export const auditRetention: ComplianceCheck = {
  id: "audit.retention",
  title: { ja: "監査ログの保存期間", en: "Audit retention period" },
  async run({ config }) {
    const evidence = { auditRetentionYears: config.audit.retentionYears, requiredYears: legalYears };
    return config.audit.retentionYears >= legalYears ? outcome("met", "audit entries kept at least 5 years", evidence) : outcome("not_met", "audit entries are purged before 5 years", evidence);
  },
};
