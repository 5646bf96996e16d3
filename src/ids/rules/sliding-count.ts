import type { RecordedAuditEntry } from "../../audit/index.js";
import type { Finding, RuleContext } from "../types.js";
import { groupBy, subjectOf, timeOf } from "./entry-kinds.js";

/**
 * The shared engine of the counting rules: per subject, the keys seen within a sliding window (the stored ones
 * from earlier batches plus this batch, walked in order). Fires when the count of distinct keys reaches `atLeast`,
 * with the seqs of the entries that make it as evidence. The window rows are then brought up to date.
 */
export async function slidingCount(
  ruleId: string,
  entries: readonly RecordedAuditEntry[],
  context: RuleContext,
  options: { windowMs: number; atLeast: number; keyOf: (entry: RecordedAuditEntry) => string },
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const sightings: Array<{ subject: string; key: string; at: Date; seq: number }> = [];
  for (const [subject, group] of groupBy(entries, subjectOf)) {
    const first = timeOf(group[0]!).getTime();
    const seen = new Map<string, { at: number; seq: number }>();
    for (const row of await context.windows.since(ruleId, subject, new Date(first - options.windowMs))) seen.set(row.key, { at: row.at.getTime(), seq: row.seq });
    let fired = false;
    for (const entry of group) {
      const at = timeOf(entry).getTime();
      const key = options.keyOf(entry);
      seen.set(key, { at, seq: entry.seq });
      sightings.push({ subject, key, at: new Date(at), seq: entry.seq });
      if (fired) continue;
      const inWindow = [...seen.values()].filter((sighting) => sighting.at > at - options.windowMs);
      if (inWindow.length >= options.atLeast) {
        fired = true;
        const last = group.at(-1)!;
        findings.push({ accountId: entry.actor.accountId, ip: last.network.ip, evidence: inWindow.map((sighting) => sighting.seq).sort((a, b) => a - b) });
      }
      // Keep the in-memory window small on long batches.
      if (seen.size > options.atLeast * 4) for (const [k, sighting] of seen) if (sighting.at <= at - options.windowMs) seen.delete(k);
    }
  }
  await context.windows.record(ruleId, sightings);
  return findings;
}
