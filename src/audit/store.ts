import { sql } from "kysely";
import type { Executor } from "../db/index.js";

type AuditTables = {
  audit_entry: { seq: number; recorded_at: Date; entry: unknown; prev_hash: Uint8Array; hash: Uint8Array };
  audit_chain_head: { id: number; seq: number; hash: Uint8Array };
};

export interface StoredRow {
  seq: number;
  recordedAt: Date;
  entry: unknown;
  prevHash: Buffer;
  hash: Buffer;
}

/** SQL of the audit module. */
export function createAuditStore(executor: Executor) {
  const db = executor.withTables<AuditTables>();
  return {
    /** Reads the chain head and holds its row lock until the transaction ends: one appender at a time, on every node. */
    async lockHead(): Promise<{ seq: number; hash: Buffer }> {
      const row = await db.selectFrom("audit_chain_head").select(["seq", "hash"]).where("id", "=", 1).forUpdate().executeTakeFirstOrThrow();
      return { seq: row.seq, hash: Buffer.from(row.hash) };
    },
    async head(): Promise<{ seq: number; hash: Buffer }> {
      const row = await db.selectFrom("audit_chain_head").select(["seq", "hash"]).where("id", "=", 1).executeTakeFirstOrThrow();
      return { seq: row.seq, hash: Buffer.from(row.hash) };
    },
    async append(rows: StoredRow[], head: { seq: number; hash: Buffer }): Promise<void> {
      await db
        .insertInto("audit_entry")
        .values(
          rows.map((row) => ({
            seq: row.seq,
            recorded_at: row.recordedAt,
            entry: JSON.stringify(row.entry),
            prev_hash: row.prevHash,
            hash: row.hash,
          })),
        )
        .execute();
      await db.updateTable("audit_chain_head").set({ seq: head.seq, hash: head.hash }).where("id", "=", 1).execute();
    },
    async count(): Promise<number> {
      const row = await db.selectFrom("audit_entry").select(sql<number>`count(*)::int8`.as("n")).executeTakeFirstOrThrow();
      return row.n;
    },
    /** Entries with seq greater than `afterSeq`, in order. */
    async page(afterSeq: number, limit: number): Promise<StoredRow[]> {
      const rows = await db
        .selectFrom("audit_entry")
        .select(["seq", "recorded_at", "entry", "prev_hash", "hash"])
        .where("seq", ">", afterSeq)
        .orderBy("seq")
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        seq: row.seq,
        recordedAt: row.recorded_at,
        entry: row.entry,
        prevHash: Buffer.from(row.prev_hash),
        hash: Buffer.from(row.hash),
      }));
    },
  };
}
