import type { RecordedAuditEntry } from "../../audit/index.js";
import type { Finding, RuleContext } from "../types.js";
import { groupBy, subjectOf, timeOf } from "./entry-kinds.js";

/** Buckets per window: the stored rows per subject stay at about this many, and a count errs by one bucket at most. */
const bucketsPerWindow = 60;
const firedKey = "fired";
const maxEvidence = 1000;

/**
 * The engine of the volume rules: per subject, how many entries fell within a sliding window. Earlier batches are
 * kept as counts per sixtieth of the window (`tally`), so a batch reads at most about sixty rows per subject however
 * many entries the window holds; the batch itself is walked entry by entry. A bucket counts whole until its latest
 * entry leaves the window, so a count may run ahead by one bucket's entries, never behind: the rule can fire a
 * little early, never late.
 *
 * Fires when the count reaches `atLeast`, at most once per window and subject (a steady excess raises one finding,
 * not one per batch). The evidence is the newest thousand entries within the window: this batch's, then the
 * earlier ones, which the windows keep only as counts, read back from the trail by the account (only on firing).
 */
export async function slidingVolume(
  ruleId: string,
  entries: readonly RecordedAuditEntry[],
  context: RuleContext,
  options: { windowMs: number; atLeast: number; isCounted: (entry: RecordedAuditEntry) => boolean },
): Promise<Finding[]> {
  const bucketMs = Math.max(1_000, Math.floor(options.windowMs / bucketsPerWindow));
  const findings: Finding[] = [];
  const tallies = new Map<string, { subject: string; key: string; at: Date; seq: number; sightings: number }>();
  const fired: Array<{ subject: string; key: string; at: Date; seq: number; sightings: number }> = [];
  const groups = groupBy(entries, subjectOf);
  const from = new Map([...groups].map(([subject, group]) => [subject, new Date(timeOf(group[0]!).getTime() - options.windowMs)]));
  const stored = await context.windows.sinceEach(ruleId, from);
  for (const [subject, group] of groups) {
    const rows = stored.get(subject) ?? [];
    let firedAt = Number.NEGATIVE_INFINITY;
    const buckets: Array<{ lastAt: number; sightings: number }> = [];
    for (const row of rows) {
      if (row.key === firedKey) firedAt = row.at.getTime();
      else buckets.push({ lastAt: row.at.getTime(), sightings: row.sightings });
    }
    // Stored buckets leave in the order of their latest entry; this batch's entries leave one by one.
    buckets.sort((a, b) => a.lastAt - b.lastAt);
    let storedHead = 0;
    let storedCount = buckets.reduce((sum, bucket) => sum + bucket.sightings, 0);
    const recent: Array<{ at: number; seq: number }> = [];
    let recentHead = 0;
    for (const entry of group) {
      const at = timeOf(entry).getTime();
      const leaveBefore = at - options.windowMs;
      while (storedHead < buckets.length && buckets[storedHead]!.lastAt <= leaveBefore) storedCount -= buckets[storedHead++]!.sightings;
      while (recentHead < recent.length && recent[recentHead]!.at <= leaveBefore) recentHead += 1;
      recent.push({ at, seq: entry.seq });
      const key = `b${Math.floor(at / bucketMs)}`;
      const tally = tallies.get(`${subject}\u0000${key}`);
      if (tally) {
        tally.sightings += 1;
        tally.at = new Date(at);
        tally.seq = entry.seq;
      } else tallies.set(`${subject}\u0000${key}`, { subject, key, at: new Date(at), seq: entry.seq, sightings: 1 });
      const count = storedCount + recent.length - recentHead;
      if (count >= options.atLeast && firedAt <= leaveBefore) {
        firedAt = at;
        fired.push({ subject, key: firedKey, at: new Date(at), seq: entry.seq, sightings: 1 });
        const inBatch = recent.slice(Math.max(recentHead, recent.length - maxEvidence)).map((sighting) => sighting.seq);
        const earlier = storedCount > 0 && inBatch.length < maxEvidence && entry.actor.accountId !== undefined
          ? await earlierEvidence(context, entry.actor.accountId, { before: inBatch[0]!, since: new Date(leaveBefore + 1), limit: maxEvidence - inBatch.length, isCounted: options.isCounted })
          : [];
        findings.push({ accountId: entry.actor.accountId, ip: group.at(-1)!.network.ip, evidence: [...earlier, ...inBatch] });
      }
    }
  }
  await context.windows.tally(ruleId, [...tallies.values()]);
  // The fired marker replaces the previous one (record keeps the latest).
  await context.windows.record(ruleId, fired);
  return findings;
}

/** The counted entries of an account before `before` and at or after `since`, oldest first. */
async function earlierEvidence(
  context: RuleContext,
  accountId: string,
  range: { before: number; since: Date; limit: number; isCounted: (entry: RecordedAuditEntry) => boolean },
): Promise<number[]> {
  const entries = await context.trail.newestFirst({ accountId, before: range.before, from: range.since }, range.limit);
  return entries.filter(range.isCounted).map((entry) => entry.seq).reverse();
}
