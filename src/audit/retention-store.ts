import { sql } from "kysely";
import type { Executor } from "../db/index.js";

type RetentionTables = {
  audit_entry: { seq: number; recorded_at: Date; hash: Uint8Array };
  audit_retention: { purged_through_seq: number; anchor_hash: Uint8Array; purged_at: Date; cutoff: Date };
};

export interface RetentionAnchor {
  purgedThroughSeq: number;
  anchorHash: Buffer;
}

/** SQL of audit retention: monthly partitions and purges. */
export function createRetentionStore(executor: Executor) {
  const db = executor.withTables<RetentionTables>();
  return {
    /** Creates the partition for the month starting at `monthStart` (UTC); false when rows already in the default partition prevent it. */
    async ensureMonthPartition(monthStart: Date): Promise<boolean> {
      const next = new Date(Date.UTC(monthStart.getUTCFullYear(), monthStart.getUTCMonth() + 1, 1));
      const name = partitionName(monthStart);
      try {
        await sql
          .raw(`create table if not exists ${name} partition of audit_entry for values from ('${monthStart.toISOString()}') to ('${next.toISOString()}')`)
          .execute(executor);
        return true;
      } catch {
        return false;
      }
    },
    /** Monthly partitions with their upper bound (exclusive) and highest seq, oldest first. */
    async monthPartitions(): Promise<Array<{ name: string; upperBound: Date; maxSeq: number | null }>> {
      const rows = await sql<{ name: string }>`
        select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
        where p.relname = 'audit_entry' and c.relname ~ '^audit_entry_y[0-9]{4}m[0-9]{2}$' order by c.relname`.execute(executor);
      const partitions = [];
      for (const { name } of rows.rows) {
        const year = Number(name.slice(13, 17));
        const month = Number(name.slice(18, 20));
        const max = await sql<{ max: number | null }>`select max(seq)::int8 as max from ${sql.table(name)}`.execute(executor);
        partitions.push({ name, upperBound: new Date(Date.UTC(year, month, 1)), maxSeq: max.rows[0]?.max ?? null });
      }
      return partitions;
    },
    async dropPartition(name: string): Promise<void> {
      await sql`drop table ${sql.table(name)}`.execute(executor);
    },
    async deleteThrough(seq: number): Promise<void> {
      await db.deleteFrom("audit_entry").where("seq", "<=", seq).execute();
    },
    async countThrough(seq: number): Promise<number> {
      const row = await db.selectFrom("audit_entry").select(sql<number>`count(*)::int8`.as("n")).where("seq", "<=", seq).executeTakeFirstOrThrow();
      return row.n;
    },
    async insertAnchor(anchor: RetentionAnchor, at: Date, cutoff: Date): Promise<void> {
      await db
        .insertInto("audit_retention")
        .values({ purged_through_seq: anchor.purgedThroughSeq, anchor_hash: anchor.anchorHash, purged_at: at, cutoff })
        .execute();
    },
    async latestAnchor(): Promise<RetentionAnchor | undefined> {
      const row = await db.selectFrom("audit_retention").select(["purged_through_seq", "anchor_hash"]).orderBy("purged_through_seq", "desc").limit(1).executeTakeFirst();
      return row && { purgedThroughSeq: row.purged_through_seq, anchorHash: Buffer.from(row.anchor_hash) };
    },
  };
}

/** `audit_entry_y2026m04` for April 2026 (UTC months). */
export function partitionName(monthStart: Date): string {
  return `audit_entry_y${monthStart.getUTCFullYear()}m${String(monthStart.getUTCMonth() + 1).padStart(2, "0")}`;
}
