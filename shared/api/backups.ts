import { z } from "zod";

/** `GET /api/admin/backups`: when the backups and the last restore drill happened; dates and counts, no content. */
export const backupStatusResponse = z.object({
  /** ISO 8601; the newest archive in the backup folder, absent when there is none. */
  newestAt: z.string().optional(),
  /** ISO 8601; the oldest archive kept. */
  oldestAt: z.string().optional(),
  /** Archives kept now. */
  generations: z.number().int(),
  /** The fewest generations the compliance check (BAK-1) accepts. */
  minGenerations: z.number().int(),
  /** The newest restore drill (BAK-2), absent until one has run. */
  lastDrill: z.object({ at: z.string(), isPassed: z.boolean() }).optional(),
});
export type BackupStatusResponse = z.infer<typeof backupStatusResponse>;
