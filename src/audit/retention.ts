import type { Database } from "../db/index.js";
import type { Clock } from "../kernel/index.js";
import { createCheckpointStore } from "./checkpoint-store.js";
import { createRetentionStore } from "./retention-store.js";
import type { AuditWriter } from "./writer.js";

export interface PurgeResult {
  purgedThroughSeq: number;
  deletedEntries: number;
  droppedPartitions: string[];
}

const monthsAhead = 2;

/**
 * Audit retention: monthly partitions made ahead of time, and a purge of entries older than the retention period
 * (MHLW: access logs kept for a set period; default 5 years, as for 診療録). A purge removes only a prefix of the
 * chain that a signed checkpoint covers, keeps the chain hash at its end as the new starting point, is itself
 * audited in the same transaction, and is followed by a new checkpoint.
 */
export function createRetention(deps: {
  db: Database;
  clock: Clock;
  writer: Pick<AuditWriter, "recordWithin" | "flush">;
  checkpointNow: () => Promise<void>;
  retentionYears: number;
}) {
  const { db, clock } = deps;

  function cutoff(now: Date): Date {
    return new Date(Date.UTC(now.getUTCFullYear() - deps.retentionYears, now.getUTCMonth(), now.getUTCDate(), now.getUTCHours(), now.getUTCMinutes()));
  }

  return {
    /** Creates this month's partition and the next ones, so new entries land in monthly partitions. */
    async ensurePartitions(): Promise<void> {
      const now = clock.now();
      const store = createRetentionStore(db.kysely);
      for (let offset = 0; offset <= monthsAhead; offset += 1) {
        await store.ensureMonthPartition(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)));
      }
    },

    /** Deletes entries past the retention period; undefined when nothing is due. */
    async purgeExpired(): Promise<PurgeResult | undefined> {
      await deps.writer.flush();
      await deps.checkpointNow();
      const now = clock.now();
      const limit = cutoff(now);
      const store = createRetentionStore(db.kysely);
      const signedThrough = (await createCheckpointStore(db.kysely).lastCheckpoint())?.seq ?? 0;
      const firstKept = await store.firstSeqAtOrAfter(limit);
      const lowest = await store.lowestSeq();
      if (lowest === undefined) return undefined;
      const purgeThrough = Math.min((firstKept ?? Number.MAX_SAFE_INTEGER) - 1, signedThrough);
      if (purgeThrough < lowest) return undefined;
      const anchorHash = await store.hashAt(purgeThrough);
      if (!anchorHash) return undefined;

      const result = await db.kysely.transaction().execute(async (trx) => {
        const inTransaction = createRetentionStore(trx);
        const deletedEntries = await inTransaction.countThrough(purgeThrough);
        await inTransaction.insertAnchor({ purgedThroughSeq: purgeThrough, anchorHash }, now, limit);
        const droppedPartitions: string[] = [];
        for (const partition of await inTransaction.monthPartitions()) {
          if (partition.upperBound <= limit && (partition.maxSeq === null || partition.maxSeq <= purgeThrough)) {
            await inTransaction.dropPartition(partition.name);
            droppedPartitions.push(partition.name);
          }
        }
        await inTransaction.deleteThrough(purgeThrough);
        await deps.writer.recordWithin(trx, {
          action: "audit.retention_purge",
          outcome: "success",
          reasonCode: "audit.retention_expired",
          actor: {},
          resource: { type: "AuditEntry", id: `${lowest}-${purgeThrough}` },
          network: { ip: "127.0.0.1", userAgent: "mamori-retention" },
        });
        return { purgedThroughSeq: purgeThrough, deletedEntries, droppedPartitions };
      });
      await deps.checkpointNow();
      return result;
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;
