import type { Rule } from "../types.js";
import { groupBy, subjectOf } from "./entry-kinds.js";

/** Emergency access (break-glass) is allowed but always reviewed afterwards (MHLW guideline: 緊急時のアクセス). */
export function breakGlass(): Rule {
  return {
    id: "break_glass",
    severity: "medium",
    description: {
      ja: "緊急時アクセス（ブレークグラス）が使われました。事後の確認が必要です。",
      en: "Emergency (break-glass) access was used and needs review.",
    },
    retainMs: 0,
    async evaluate(entries) {
      const uses = entries.filter((entry) => entry.breakGlass === true || entry.action === "access.break_glass");
      return [...groupBy(uses, subjectOf).values()].map((group) => ({
        accountId: group[0]!.actor.accountId,
        ip: group.at(-1)!.network.ip,
        evidence: group.map((entry) => entry.seq),
      }));
    },
  };
}
