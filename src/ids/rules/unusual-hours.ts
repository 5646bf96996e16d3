import type { RecordedAuditEntry } from "../../audit/index.js";
import type { Finding, Rule } from "../types.js";
import { groupBy, isRecordAccess, timeOf } from "./entry-kinds.js";

const dayMs = 86_400_000;

/**
 * Record access at an hour the account does not usually work. Its usual hours are learned from its own access
 * over the last `historyDays` days: an hour (±1) seen on at least two different days. An account with history on
 * fewer than `minDays` days is in its baseline period: it is learning, not judged. Judging new staff against the
 * clinic's day hours raised an alert for every night-shift nurse and every doctor on call in their first week, the
 * noise that buries real alerts; a new account is still watched by the volume, network and grant rules.
 */
export function unusualHours(settings: { historyDays: number; minDays: number; timeZone: string }): Rule {
  const historyMs = settings.historyDays * dayMs;
  const format = new Intl.DateTimeFormat("en-CA", { timeZone: settings.timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23" });
  // Slot key "YYYY-MM-DD HH" in the clinic's time zone. Every zone's offset is a whole number of quarter hours,
  // so all instants of one UTC quarter hour share a slot: formatting is cached per quarter hour.
  const slots = new Map<number, string>();
  const slotOf = (at: Date) => {
    const quarter = Math.floor(at.getTime() / 900_000);
    let slot = slots.get(quarter);
    if (slot === undefined) {
      const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
      slot = `${parts["year"]}-${parts["month"]}-${parts["day"]} ${parts["hour"]}`;
      if (slots.size > 10_000) slots.clear();
      slots.set(quarter, slot);
    }
    return slot;
  };

  const rule: Rule = {
    id: "unusual_hours",
    severity: "low",
    description: {
      ja: "アカウントが普段利用しない時間帯に患者記録へアクセスしました。",
      en: "An account accessed patient records at an hour it does not usually work.",
    },
    retainMs: historyMs,
    async evaluate(entries, context) {
      const groups = groupBy(
        entries.filter((entry): entry is RecordedAuditEntry & { actor: { accountId: string } } => isRecordAccess(entry) && entry.outcome === "success"),
        (entry) => entry.actor.accountId,
      );
      const history = await context.windows.latestOf(rule.id, [...groups.keys()]);
      const findings: Finding[] = [];
      const sightings: Array<{ subject: string; key: string; at: Date; seq: number }> = [];
      for (const [accountId, group] of groups) {
        const since = timeOf(group[0]!).getTime() - historyMs;
        const slots = (history.get(accountId) ?? []).filter((row) => row.at.getTime() >= since).map((row) => row.key);
        const isUsual = usualHours(slots, settings.minDays);
        const evidence: number[] = [];
        for (const entry of group) {
          const slot = slotOf(timeOf(entry));
          if (!isUsual(Number(slot.slice(11)))) evidence.push(entry.seq);
          sightings.push({ subject: accountId, key: slot, at: timeOf(entry), seq: entry.seq });
        }
        if (evidence.length > 0) findings.push({ accountId, ip: group.at(-1)!.network.ip, evidence });
      }
      await context.windows.record(rule.id, sightings);
      return findings;
    },
  };
  return rule;
}

/** The usual-hour test of one account from its hour slots; every hour is usual while its history is thin. */
function usualHours(slots: readonly string[], minDays: number): (hour: number) => boolean {
  const days = new Set(slots.map((slot) => slot.slice(0, 10)));
  if (days.size < minDays) return () => true;
  const daysPerHour = new Map<number, Set<string>>();
  for (const slot of slots) {
    const hour = Number(slot.slice(11));
    const set = daysPerHour.get(hour) ?? new Set<string>();
    set.add(slot.slice(0, 10));
    daysPerHour.set(hour, set);
  }
  const usual = new Set<number>();
  for (const [hour, seenOn] of daysPerHour) {
    if (seenOn.size < 2) continue;
    for (const near of [hour - 1, hour, hour + 1]) usual.add((near + 24) % 24);
  }
  return (hour) => usual.has(hour);
}
