import { outcome, type ComplianceCheck } from "../check.js";

/** SES-1: every session ends a fixed time after sign-in, however active, within the configured limit. */
export const sessionAbsoluteLimit: ComplianceCheck = {
  id: "session.absolute_limit",
  title: { ja: "セッションの絶対有効期限", en: "Absolute session limit" },
  async run({ config }) {
    const evidence = { absoluteHours: config.session.absoluteMs / 3_600_000, limitHours: config.compliance.absoluteLimitMs / 3_600_000 };
    return config.session.absoluteMs <= config.compliance.absoluteLimitMs
      ? outcome("met", "absolute session lifetime within the limit", evidence)
      : outcome("not_met", "absolute session lifetime longer than the limit", evidence);
  },
};
