import type { Rule } from "../types.js";
import { slidingCount } from "./sliding-count.js";

/** Repeated authorization denials: someone probing what they may not see. */
export function repeatedDenials(settings: { count: number; minutes: number }): Rule {
  const windowMs = settings.minutes * 60_000;
  const rule: Rule = {
    id: "repeated_denials",
    severity: "medium",
    description: {
      ja: `${settings.minutes}分以内に${settings.count}回以上、アクセスが拒否されました。`,
      en: `Access was denied ${settings.count} or more times within ${settings.minutes} minutes.`,
    },
    retainMs: windowMs,
    evaluate: (entries, context) =>
      slidingCount(
        rule.id,
        entries.filter((entry) => entry.outcome === "denied"),
        context,
        { windowMs, atLeast: settings.count, keyOf: (entry) => String(entry.seq) },
      ),
  };
  return rule;
}
