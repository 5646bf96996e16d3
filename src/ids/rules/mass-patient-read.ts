import type { Rule } from "../types.js";
import { isRecordAccess } from "./entry-kinds.js";
import { slidingCount } from "./sliding-count.js";

/** One account reading many different patients in a short time: browsing, or harvesting records. */
export function massPatientRead(settings: { patients: number; minutes: number }): Rule {
  const windowMs = settings.minutes * 60_000;
  const rule: Rule = {
    id: "mass_patient_read",
    severity: "high",
    description: {
      ja: `1つのアカウントが${settings.minutes}分以内に${settings.patients}人を超える患者の記録を参照しました。`,
      en: `One account read the records of more than ${settings.patients} different patients within ${settings.minutes} minutes.`,
    },
    retainMs: windowMs,
    evaluate: (entries, context) =>
      slidingCount(
        rule.id,
        entries.filter((entry) => isRecordAccess(entry) && entry.outcome === "success"),
        context,
        { windowMs, atLeast: settings.patients + 1, keyOf: (entry) => entry.patientId! },
      ),
  };
  return rule;
}
