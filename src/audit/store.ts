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
    /**
     * Every entry after `afterSeq` in order, in pages of `pageSize`, for walking the whole chain: only the columns the
     * chain check needs (the stored time too: verify compares it with the hashed one), and the next page is read while the caller checks
     * this one, so the database's work and the hashing overlap.
     */
    async *chainPages(afterSeq: number, pageSize: number): AsyncGenerator<StoredRow[]> {
      const read = (after: number) =>
        db
          .selectFrom("audit_entry")
          .select(["seq", "entry", "prev_hash", "hash", "recorded_at"])
          .where("seq", ">", after)
          .orderBy("seq")
          .limit(pageSize)
          .execute()
          .then((rows) => rows.map((row) => ({ seq: row.seq, entry: row.entry, prevHash: viewOf(row.prev_hash), hash: viewOf(row.hash), recordedAt: row.recorded_at })));
      let next = read(afterSeq);
      for (;;) {
        const rows = await next;
        const last = rows.at(-1);
        // Read ahead only when this page was full; a caller that stops early leaves at most one read unawaited.
        if (last && rows.length === pageSize) {
          next = read(last.seq);
          next.catch(() => undefined);
        }
        yield rows;
        if (rows.length < pageSize) return;
      }
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

/** A Buffer over the driver's bytes without copying them (pg gives Buffers, PGlite Uint8Arrays). */
function viewOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
