import { readFileSync } from "node:fs";
import { z } from "zod";

const eolTableSchema = z.object({
  components: z.record(
    z.string(),
    z.object({
      source: z.url(),
      reviewedAt: z.iso.date(),
      policy: z.string(),
      majors: z.record(z.string(), z.object({ eol: z.iso.date().nullable() })),
    }),
  ),
});

export type EolTable = z.infer<typeof eolTableSchema>;

/** A version found on this installation: the runtime, the database server or an installed package. */
export interface DetectedVersion {
  component: string;
  version: string;
}

export type EolStatus = "supported" | "eol" | "unknown";

export interface EolEntry {
  component: string;
  version: string;
  /** `YYYY-MM-DD`; null while the line has no published end date (current major) or is not in the table. */
  eolDate: string | null;
  status: EolStatus;
  /** Where the date or policy comes from; null for a component the table does not know. */
  source: string | null;
  /** When someone last checked `source`; a report shows it so stale data is visible. */
  reviewedAt: string | null;
}

/**
 * The table shipped beside this file (eol-data.json), validated.
 * @throws {z.ZodError} when the data file is malformed.
 */
export function loadEolTable(): EolTable {
  return eolTableSchema.parse(JSON.parse(readFileSync(new URL("./eol-data.json", import.meta.url), "utf8")));
}

/** The release line a version belongs to: the major, or `0.minor` before 1.0 (semver: each 0.x minor may break). */
export function releaseLine(version: string): string | undefined {
  // "17.5 (Debian 17.5-1)" and "v20.19.0" alike: the leading dotted numbers.
  const [major, minor] = (/^v?[\d.]+/.exec(version.trim())?.[0] ?? "").replace(/^v/, "").split(".");
  if (!major || !/^\d+$/.test(major)) return undefined;
  return major === "0" && minor && /^\d+$/.test(minor) ? `0.${minor}` : major;
}

/**
 * Each detected version with its end-of-life date and status on `now`: `eol` from the start of the end date (UTC)
 * on, as the schedules publish it (Node.js 20: end-of-life 2026-04-30), `supported` before it or while no end is
 * published, `unknown` when the table lacks the component or release line.
 */
export function eolReport(now: Date, detected: readonly DetectedVersion[], table: EolTable = loadEolTable()): EolEntry[] {
  return detected.map(({ component, version }) => {
    const known = table.components[component];
    const line = releaseLine(version);
    const major = known && line !== undefined ? known.majors[line] : undefined;
    if (!known || !major) return { component, version, eolDate: null, status: "unknown", source: known?.source ?? null, reviewedAt: known?.reviewedAt ?? null };
    const ended = major.eol !== null && now.getTime() >= Date.parse(`${major.eol}T00:00:00Z`);
    return { component, version, eolDate: major.eol, status: ended ? "eol" : "supported", source: known.source, reviewedAt: known.reviewedAt };
  });
}
