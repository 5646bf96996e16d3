import { outcome, type ComplianceCheck } from "../check.js";
import { createComplianceStore } from "../store.js";

/**
 * NET-1: intrusion detection (src/ids) runs over the audit trail with every rule on, and keeps up with it. The engine
 * off is not met; a rule switched off (MAMORI_IDS_<RULE>_ENABLED=false) or an engine further behind the audit head
 * than MAMORI_COMPLIANCE_IDS_MAX_LAG entries is partial.
 */
export const idsRulesEnabled: ComplianceCheck = {
  id: "ids.rules_enabled",
  title: { ja: "侵入検知ルールの有効化", en: "Intrusion detection rules enabled" },
  async run({ config, db }) {
    const { enabled, rules } = config.ids;
    const store = createComplianceStore(db.kysely);
    const headSeq = await store.chainHeadSeq();
    const cursorSeq = await store.idsCursorSeq();
    const lag = cursorSeq === undefined ? null : Math.max(0, Number(headSeq) - cursorSeq);
    const ruleNames = Object.keys(rules) as Array<keyof typeof rules>;
    const disabledRules = ruleNames.filter((name) => !rules[name].enabled);
    const evidence = { engineEnabled: enabled, rules: ruleNames.length, enabledRules: ruleNames.length - disabledRules.length, disabledRules, headSeq: Number(headSeq), cursorLag: lag, maxLag: config.compliance.idsMaxLag };
    if (!enabled) return outcome("not_met", "the intrusion detection engine is switched off (MAMORI_IDS_ENABLED=false)", evidence);
    if (lag === null) return outcome("not_met", "the intrusion detection engine has no cursor: the audit trail is not evaluated", evidence);
    const problems = [
      ...(disabledRules.length > 0 ? [`rules switched off: ${disabledRules.join(", ")}`] : []),
      ...(lag > config.compliance.idsMaxLag ? [`engine ${lag} audit entries behind (limit ${config.compliance.idsMaxLag})`] : []),
    ];
    return problems.length === 0 ? outcome("met", "every intrusion detection rule runs and the engine keeps up with the audit trail", evidence) : outcome("partial", problems.join("; "), evidence);
  },
};
