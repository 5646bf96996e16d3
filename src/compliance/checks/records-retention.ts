import { outcome, type ComplianceCheck } from "../check.js";

const legalYears = 5;

/** TRU-3 / PHR-2: records are protected from erasure (without dual approval) for the legal period of 5 years. */
export const recordsRetention: ComplianceCheck = {
  id: "records.retention",
  title: { ja: "診療録の保存期間", en: "Medical record retention period" },
  async run({ config }) {
    const evidence = { recordRetentionYears: config.recordRetentionYears, requiredYears: legalYears };
    return config.recordRetentionYears >= legalYears ? outcome("met", "records kept at least 5 years", evidence) : outcome("not_met", "the retention setting is shorter than 5 years", evidence);
  },
};
