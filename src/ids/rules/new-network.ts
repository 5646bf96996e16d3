import type { RecordedAuditEntry } from "../../audit/index.js";
import { networkOf } from "../network.js";
import type { Finding, Rule } from "../types.js";
import { groupBy, isRecordAccess, isSignIn, timeOf } from "./entry-kinds.js";

const dayMs = 86_400_000;

/**
 * An account used from a network (/24, /64) it has not used in the last `days` days. An account with no
 * history yet learns its networks silently: its first network is not news.
 */
export function newNetwork(settings: { days: number }): Rule {
  const windowMs = settings.days * dayMs;
  const rule: Rule = {
    id: "new_network",
    severity: "medium",
    description: {
      ja: `アカウントが過去${settings.days}日間に使っていないネットワークから利用されました。`,
      en: `An account was used from a network it has not used in the last ${settings.days} days.`,
    },
    retainMs: windowMs,
    async evaluate(entries, context) {
      const uses = entries.filter((entry): entry is RecordedAuditEntry & { actor: { accountId: string } } => (isRecordAccess(entry) || isSignIn(entry)) && entry.outcome === "success");
      const groups = groupBy(uses, (entry) => entry.actor.accountId);
      const history = await context.windows.latestOf(rule.id, [...groups.keys()]);
      const findings: Finding[] = [];
      const sightings: Array<{ subject: string; key: string; at: Date; seq: number }> = [];
      for (const [accountId, group] of groups) {
        const lastUse = new Map((history.get(accountId) ?? []).map((row) => [row.key, row.at.getTime()]));
        const evidence: number[] = [];
        for (const entry of group) {
          const at = timeOf(entry).getTime();
          const network = networkOf(entry.network.ip);
          const hasHistory = [...lastUse.values()].some((seen) => seen > at - windowMs);
          const seen = lastUse.get(network);
          if (hasHistory && (seen === undefined || seen <= at - windowMs)) evidence.push(entry.seq);
          lastUse.set(network, at);
          sightings.push({ subject: accountId, key: network, at: new Date(at), seq: entry.seq });
        }
        if (evidence.length > 0) findings.push({ accountId, ip: group.find((entry) => entry.seq === evidence.at(-1))!.network.ip, evidence });
      }
      await context.windows.record(rule.id, sightings);
      return findings;
    },
  };
  return rule;
}
