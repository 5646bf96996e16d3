import { grantAction } from "../../audit/index.js";
import type { Rule } from "../types.js";
import { groupBy, subjectOf } from "./entry-kinds.js";

/**
 * Lowering a confidentiality label (R→N, V→R or N, or removing it) opens a sensitive record to everyone the new
 * label admits. Only a doctor in care may do it (records-labels.cedar), and each time is reviewed afterwards, like
 * emergency access (MHLW 運用編: 特に機微な情報の取扱い). The evidence is the `access.grant` entry of kind `label`,
 * which names the patient, the record and the labels before and after.
 */
export function labelLowered(): Rule {
  return {
    id: "label_lowered",
    severity: "medium",
    description: {
      ja: "記録の機密ラベルが引き下げられました（R・V の解除）。妥当性の確認が必要です。",
      en: "A record's confidentiality label was lowered (R or V removed) and needs review.",
    },
    retainMs: 0,
    async evaluate(entries) {
      const lowered = entries.filter((entry) => entry.action === grantAction && entry.outcome === "success" && entry.grant?.kind === "label" && entry.grant.change === "lowered");
      return [...groupBy(lowered, subjectOf).values()].map((group) => ({
        accountId: group[0]!.actor.accountId,
        ip: group.at(-1)!.network.ip,
        evidence: group.map((entry) => entry.seq),
      }));
    },
  };
}
