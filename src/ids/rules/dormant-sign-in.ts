import type { Finding, Rule } from "../types.js";
import { networkOf } from "../network.js";
import { groupBy, isSignIn, timeOf } from "./entry-kinds.js";

const dayMs = 86_400_000;
const lastSignInKey = "sign_in";
// How long the rule remembers sign-ins and their networks: well beyond any dormant period worth noticing.
const memoryMs = 400 * dayMs;

/**
 * A sign-in after `days` or more without one, from a network the account never signed in from: the pattern of
 * a dormant account taken over (ACC-4: review of unused accounts).
 */
export function dormantSignIn(settings: { days: number }): Rule {
  const dormantMs = settings.days * dayMs;
  const rule: Rule = {
    id: "dormant_sign_in",
    severity: "high",
    description: {
      ja: `${settings.days}日以上サインインのなかったアカウントが、初めてのネットワークからサインインしました。`,
      en: `An account with no sign-in for ${settings.days} days or more signed in from a network it never used.`,
    },
    retainMs: memoryMs,
    async evaluate(entries, context) {
      const groups = groupBy(entries.filter(isSignIn), (entry) => entry.actor.accountId);
      const history = await context.windows.latestOf(rule.id, [...groups.keys()]);
      const findings: Finding[] = [];
      const sightings: Array<{ subject: string; key: string; at: Date; seq: number }> = [];
      for (const [accountId, group] of groups) {
        const known = new Map((history.get(accountId) ?? []).map((row) => [row.key, row.at.getTime()]));
        for (const entry of group) {
          const at = timeOf(entry).getTime();
          const network = `net:${networkOf(entry.network.ip)}`;
          const previous = known.get(lastSignInKey);
          if (previous !== undefined && at - previous >= dormantMs && !known.has(network)) {
            findings.push({ accountId, ip: entry.network.ip, evidence: [entry.seq] });
          }
          known.set(lastSignInKey, at);
          known.set(network, at);
          sightings.push({ subject: accountId, key: lastSignInKey, at: new Date(at), seq: entry.seq }, { subject: accountId, key: network, at: new Date(at), seq: entry.seq });
        }
      }
      await context.windows.record(rule.id, sightings);
      return findings;
    },
  };
  return rule;
}
