import type { Database } from "../db/index.js";
import type { Clock } from "../kernel/index.js";
import type { Checkpointer } from "./checkpointer.js";
import { linkedEntries, UnverifiableSegmentError } from "./linked-entries.js";
import { createRetentionStore } from "./retention-store.js";
import { createAuditStore } from "./store.js";
import type { AuditWriter } from "./writer.js";

export interface PurgeResult {
  purgedThroughSeq: number;
  deletedEntries: number;
  droppedPartitions: string[];
}

const monthsAhead = 2;

/**
 * Audit retention: monthly partitions made ahead of time, and a purge of entries older than the retention period
 * (MHLW: access logs kept for a set period; default 5 years, as for 診療録). The age of an entry is the time its hash
 * covers (`at`), never `recorded_at`, a column outside the hash that only places rows in partitions. A purge removes
 * only a prefix of the chain that a signed checkpoint covers and that re-verifies against it; in one transaction it
 * deletes, records `audit.retention_purge` and signs a checkpoint whose retention floor (the last purged seq and the
 * chain hash there) the verifier starts from. Nothing else can move the floor: it needs the signing key.
 */
export function createRetention(deps: {
  db: Database;
  clock: Clock;
  writer: Pick<AuditWriter, "recordWithin" | "flush">;
  checkpointNow: () => Promise<void>;
  checkpoints: Pick<Checkpointer, "signWithin" | "signedEntryHash" | "signedState" | "announce" | "publish">;
  retentionYears: number;
}) {
  const { db, clock } = deps;

  function cutoff(now: Date): Date {
    return new Date(Date.UTC(now.getUTCFullYear() - deps.retentionYears, now.getUTCMonth(), now.getUTCDate(), now.getUTCHours(), now.getUTCMinutes()));
  }

  /**
   * The last seq of the expired prefix: walks from the signed floor while entries link up, their hashed time is
   * before the cutoff and a checkpoint covers them; the chain hash there must be the one signed.
   * @throws {UnverifiableSegmentError} when the prefix does not verify (it is evidence, not something to delete).
   */
  async function expiredPrefix(limit: Date): Promise<{ floorSeq: number; purgeThrough: number; anchorHash: Buffer } | undefined> {
    const { floor, signedThrough } = await deps.checkpoints.signedState(db.kysely);
    let purgeThrough = floor.seq;
    let anchorHash: Buffer | undefined;
    for await (const row of linkedEntries(db.kysely, floor, signedThrough)) {
      const at = Date.parse((row.entry as { at?: string }).at ?? "");
      if (!(at < limit.getTime())) break;
      anchorHash = row.hash;
      purgeThrough = row.seq;
    }
    if (!anchorHash || purgeThrough <= floor.seq) return undefined;
    const signed = await deps.checkpoints.signedEntryHash(db.kysely, purgeThrough);
    if (!signed?.equals(anchorHash)) throw new UnverifiableSegmentError(purgeThrough);
    return { floorSeq: floor.seq, purgeThrough, anchorHash };
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
      const prefix = await expiredPrefix(limit);
      if (!prefix) return undefined;
      const { floorSeq, purgeThrough, anchorHash } = prefix;

      const result = await db.kysely.transaction().execute(async (trx) => {
        // Appenders wait from here to the commit, so the purge checkpoint covers exactly up to the purge record.
        await createAuditStore(trx).lockHead();
        const { floor } = await deps.checkpoints.signedState(trx);
        if (floor.seq !== floorSeq) throw new Error("audit retention floor moved during the purge (another node purged)");
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
          resource: { type: "AuditEntry", id: `${floorSeq + 1}-${purgeThrough}` },
          network: { ip: "127.0.0.1", userAgent: "mamori-retention" },
        });
        // The purge and the signed floor commit together or not at all; a checkpoint signed meanwhile elsewhere
        // takes this one's place in the chain of digests, and the purge is retried on the next run.
        const signed = await deps.checkpoints.signWithin(trx, { floor: { seq: purgeThrough, hash: anchorHash } });
        if (!signed?.stored) throw new Error("audit retention checkpoint lost to a concurrent checkpoint; purge retried later");
        return { purgedThroughSeq: purgeThrough, deletedEntries, droppedPartitions, checkpoint: signed.checkpoint };
      });
      // The purge's checkpoint is exported and gets its tree head like any other.
      deps.checkpoints.announce(result.checkpoint);
      await deps.checkpoints.publish(result.checkpoint);
      return { purgedThroughSeq: result.purgedThroughSeq, deletedEntries: result.deletedEntries, droppedPartitions: result.droppedPartitions };
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;
