import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Executor } from "../../db/index.js";

type CursorTables = {
  audit_export_cursor: { sink: string; seq: number; updated_at: Date };
};

// First key of the two-key advisory lock form, shared by every export lock (the second is the sink's hash); the
// two-key form lives apart from the one-key lock that migrate.ts takes.
const exportLockClass = 7_262_007;

/** SQL of the SIEM export: each sink's cursor, and the advisory lock that keeps one node exporting per sink. */
export function createCursorStore(executor: Executor) {
  const db = executor.withTables<CursorTables>();
  return {
    /** The last acknowledged sequence number of `sink`; 0 before its first export. */
    async read(sink: string): Promise<number> {
      const row = await db.selectFrom("audit_export_cursor").select("seq").where("sink", "=", sink).executeTakeFirst();
      return row?.seq ?? 0;
    },
    /** Moves the cursor forward; never back, should two exporters ever overlap. */
    async advance(sink: string, seq: number, at: Date): Promise<void> {
      await db
        .insertInto("audit_export_cursor")
        .values({ sink, seq, updated_at: at })
        .onConflict((conflict) =>
          conflict.column("sink").doUpdateSet({
            seq: sql<number>`greatest(audit_export_cursor.seq, excluded.seq)`,
            updated_at: sql<Date>`excluded.updated_at`,
          }),
        )
        .execute();
    },
    /** Takes the sink's session-level advisory lock without waiting; false when another session holds it. */
    async tryLock(sink: string): Promise<boolean> {
      const result = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${exportLockClass}::int4, ${lockKey(sink)}::int4) as locked`.execute(executor);
      return result.rows[0]?.locked === true;
    },
    async unlock(sink: string): Promise<void> {
      await sql`select pg_advisory_unlock(${exportLockClass}::int4, ${lockKey(sink)}::int4)`.execute(executor);
    },
  };
}

// A hash every node computes alike (unlike PostgreSQL's undocumented hashtext, stable across server versions).
function lockKey(sink: string): number {
  return createHash("sha256").update(sink).digest().readInt32BE(0);
}
