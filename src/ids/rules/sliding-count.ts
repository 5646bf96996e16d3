import type { RecordedAuditEntry } from "../../audit/index.js";
import type { Finding, RuleContext } from "../types.js";
import { groupBy, subjectOf, timeOf } from "./entry-kinds.js";

/**
 * The shared engine of the counting rules: per subject, the distinct keys seen within a sliding window (the stored
 * ones from earlier batches plus this batch, walked in time order). Fires when the count reaches `atLeast`, with
 * the seqs of the entries that make it as evidence; then brings the window rows up to date. Linear in the batch:
 * a queue in time order drops keys as they leave the window.
 */
export async function slidingCount(
  ruleId: string,
  entries: readonly RecordedAuditEntry[],
  context: RuleContext,
  options: { windowMs: number; atLeast: number; keyOf: (entry: RecordedAuditEntry) => string },
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const sightings: Array<{ subject: string; key: string; at: Date; seq: number }> = [];
  const groups = groupBy(entries, subjectOf);
  const from = new Map([...groups].map(([subject, group]) => [subject, new Date(timeOf(group[0]!).getTime() - options.windowMs)]));
  const stored = await context.windows.sinceEach(ruleId, from);
  for (const [subject, group] of groups) {
    const latest = new Map<string, { at: number; seq: number }>();
    const queue: Array<{ key: string; at: number }> = [];
    let head = 0;
    const see = (key: string, at: number, seq: number) => {
      latest.set(key, { at, seq });
      queue.push({ key, at });
    };
    for (const row of stored.get(subject) ?? []) see(row.key, row.at.getTime(), row.seq);
    let fired = false;
    for (const entry of group) {
      const at = timeOf(entry).getTime();
      const key = options.keyOf(entry);
      see(key, at, entry.seq);
      sightings.push({ subject, key, at: new Date(at), seq: entry.seq });
      while (head < queue.length && queue[head]!.at <= at - options.windowMs) {
        const leaving = queue[head]!;
        if (latest.get(leaving.key)?.at === leaving.at) latest.delete(leaving.key);
        head += 1;
      }
      if (!fired && latest.size >= options.atLeast) {
        fired = true;
        findings.push({ accountId: entry.actor.accountId, ip: group.at(-1)!.network.ip, evidence: [...latest.values()].map((sighting) => sighting.seq).sort((a, b) => a - b) });
      }
    }
  }
  await context.windows.record(ruleId, sightings);
  return findings;
}
