import { readdir, rm } from "node:fs/promises";
import path from "node:path";

/** Generations kept (grandfather-father-son): the newest archive of each of the last N days, weeks and months. */
export interface RetentionPolicy {
  daily: number;
  weekly: number;
  monthly: number;
}

export const defaultRetention: RetentionPolicy = { daily: 7, weekly: 4, monthly: 12 };

const archiveName = /^mamori-(\d{8}T\d{6}Z)\.mbk$/;

/** The archive file name for a time, e.g. `mamori-20261125T004805Z.mbk`; sortable by name. */
export function archiveFileName(at: Date): string {
  return `mamori-${at.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z")}.mbk`;
}

function parseName(name: string): Date | undefined {
  const stamp = archiveName.exec(name)?.[1];
  if (!stamp) return undefined;
  return new Date(`${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`);
}

function isoWeek(at: Date): string {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  return `${day.getUTCFullYear()}-W${Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7)}`;
}

/** Which of these archive names to keep under the policy; the newest is always kept. */
export function generationsToKeep(names: string[], policy: RetentionPolicy = defaultRetention): Set<string> {
  const dated = names.flatMap((name) => {
    const at = parseName(name);
    return at ? [{ name, at }] : [];
  });
  dated.sort((a, b) => b.at.getTime() - a.at.getTime());
  const keep = new Set<string>(dated.slice(0, 1).map((archive) => archive.name));
  const buckets: [number, (at: Date) => string][] = [
    [policy.daily, (at) => at.toISOString().slice(0, 10)],
    [policy.weekly, isoWeek],
    [policy.monthly, (at) => at.toISOString().slice(0, 7)],
  ];
  for (const [count, bucketOf] of buckets) {
    const seen = new Set<string>();
    for (const archive of dated) {
      const bucket = bucketOf(archive.at);
      if (seen.has(bucket)) continue;
      if (seen.size >= count) break;
      seen.add(bucket);
      keep.add(archive.name);
    }
  }
  return keep;
}

/** Deletes archives the policy no longer keeps, and temporary files left by an interrupted backup; returns the names deleted. */
export async function pruneGenerations(dir: string, policy: RetentionPolicy = defaultRetention): Promise<string[]> {
  const names = await readdir(dir);
  const keep = generationsToKeep(names, policy);
  const doomed = names.filter((name) => (archiveName.test(name) && !keep.has(name)) || name.endsWith(".mbk.partial"));
  for (const name of doomed) await rm(path.join(dir, name), { force: true });
  return doomed;
}
