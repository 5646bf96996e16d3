import type { Rule } from "../types.js";
import { groupBy, isRecordAccess, subjectOf } from "./entry-kinds.js";

/** Any access to a patient on the watch list (VIPs, employees), allowed or not, is reviewed. */
export function watchListAccess(): Rule {
  return {
    id: "watch_list_access",
    severity: "medium",
    description: {
      ja: "要注意患者リスト（著名人・職員など）に登録された患者の記録にアクセスがありました。",
      en: "A record of a patient on the watch list (VIP or employee) was accessed.",
    },
    retainMs: 0,
    async evaluate(entries, context) {
      const hits = entries.filter((entry) => isRecordAccess(entry) && context.isWatched(entry.patientId));
      return [...groupBy(hits, subjectOf).values()].map((group) => ({
        accountId: group[0]!.actor.accountId,
        ip: group.at(-1)!.network.ip,
        evidence: group.map((entry) => entry.seq),
      }));
    },
  };
}
