import { outcome, type ComplianceCheck } from "../check.js";

/** ACC-1: the Cedar policies in force are loaded, and each names the guideline control it serves. */
export const policiesAnnotated: ComplianceCheck = {
  id: "access.policies_annotated",
  title: { ja: "アクセス制御ポリシーと管理策の対応", en: "Access policies name their control" },
  async run({ policies }) {
    const unannotated = policies.filter((policy) => !policy.annotations["control"]).map((policy) => policy.id);
    const evidence = { policies: policies.length, forbids: policies.filter((policy) => /^\s*forbid/m.test(policy.text.replace(/^\s*(\/\/.*|@.*)$/gm, ""))).length, withoutControl: unannotated };
    if (policies.length === 0) return outcome("not_met", "no policy loaded", evidence);
    return unannotated.length === 0 ? outcome("met", "every policy names its control", evidence) : outcome("partial", "some policies name no control", evidence);
  },
};
