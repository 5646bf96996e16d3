import { outcome, type ComplianceCheck } from "../check.js";

/** SES-1: the idle timeout in force is no longer than the configured limit (MHLW クリアスクリーン). */
export const sessionIdleTimeout: ComplianceCheck = {
  id: "session.idle_timeout",
  title: { ja: "無操作時の自動ログオフ", en: "Idle timeout" },
  async run({ config }) {
    const evidence = { idleMinutes: config.session.idleMs / 60_000, limitMinutes: config.compliance.idleLimitMs / 60_000 };
    return config.session.idleMs <= config.compliance.idleLimitMs
      ? outcome("met", "idle timeout within the limit", evidence)
      : outcome("not_met", "idle timeout longer than the limit", evidence);
  },
};
