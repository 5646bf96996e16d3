import { sql } from "kysely";
import type { Executor } from "../db/index.js";

/**
 * SQL of the backup module. It reads and writes every table generically, through the catalogue and `to_jsonb` /
 * `jsonb_populate_recordset`, so a table another module adds is backed up without a change here.
 */
export function createBackupStore(executor: Executor) {
  return {
    /** Base tables of the public schema, parents before children (foreign keys), so inserts in this order succeed. */
    async tablesInDependencyOrder(): Promise<string[]> {
      // Plain and partitioned tables, never a partition itself: a partitioned table's rows are read through its parent.
      const tables = (
        await sql<{ name: string }>`
          select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by c.relname`.execute(executor)
      ).rows.map((row) => row.name);
      const edges = (
        await sql<{ child: string; parent: string }>`
          select c.relname as child, p.relname as parent from pg_constraint k
          join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
          join pg_namespace n on n.oid = c.relnamespace
          where k.contype = 'f' and n.nspname = 'public' and c.oid <> p.oid and not c.relispartition`.execute(executor)
      ).rows;
      const ordered: string[] = [];
      const visiting = new Set<string>();
      const visit = (table: string) => {
        if (ordered.includes(table) || visiting.has(table)) return;
        visiting.add(table);
        for (const edge of edges) if (edge.child === table) visit(edge.parent);
        ordered.push(table);
      };
      for (const table of tables) visit(table);
      return ordered;
    },
    /** Fixes the snapshot's text forms (timestamps in UTC) so the same rows always give the same bytes. */
    async useCanonicalSettings(): Promise<void> {
      await sql`set local timezone = 'UTC'`.execute(executor);
      await sql`set local extra_float_digits = 3`.execute(executor);
    },
    /** Streams a table's rows as jsonb text in pages, through a cursor inside the caller's snapshot transaction. */
    async *rows(table: string, pageSize: number): AsyncGenerator<string[]> {
      const cursor = sql.id(`mamori_backup_${table}`);
      await sql`declare ${cursor} no scroll cursor for select to_jsonb(t)::text as r from ${sql.table(table)} t`.execute(executor);
      try {
        for (;;) {
          const page = (await sql<{ r: string }>`fetch ${sql.raw(String(pageSize))} from ${cursor}`.execute(executor)).rows;
          if (page.length === 0) return;
          yield page.map((row) => row.r);
        }
      } finally {
        await sql`close ${cursor}`.execute(executor);
      }
    },
    async insertRows(table: string, rowsJson: string): Promise<void> {
      await sql`insert into ${sql.table(table)} select * from jsonb_populate_recordset(null::${sql.table(table)}, ${rowsJson}::jsonb)`.execute(executor);
    },
    async countRows(table: string): Promise<number> {
      return Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(executor)).rows[0]?.n ?? 0);
    },
    /**
     * Skips per-row foreign-key triggers for the rest of the transaction when the role may (superuser; PGlite is):
     * the rows come from one consistent snapshot and are checked against the signed manifest before commit, and
     * per-row checks make restore several times slower. Returns whether it could.
     */
    async skipForeignKeyTriggers(): Promise<boolean> {
      const role = await sql<{ su: boolean }>`select rolsuper as su from pg_roles where rolname = current_user`.execute(executor);
      if (!role.rows[0]?.su) return false;
      await sql`set local session_replication_role = replica`.execute(executor);
      return true;
    },
    /** Moves every sequence owned by a column (serial, identity) past the restored rows' highest value. */
    async resetOwnedSequences(): Promise<void> {
      const owned = await sql<{ seq: string; tbl: string; col: string }>`
        select s.relname as seq, t.relname as tbl, a.attname as col from pg_class s
        join pg_depend d on d.objid = s.oid and d.deptype in ('a', 'i') and d.classid = 'pg_class'::regclass
        join pg_class t on t.oid = d.refobjid join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
        join pg_namespace n on n.oid = s.relnamespace where s.relkind = 'S' and n.nspname = 'public'`.execute(executor);
      for (const row of owned.rows) {
        await sql`select setval(${row.seq}::regclass, coalesce((select max(${sql.ref(row.col)}) from ${sql.table(row.tbl)}), 0) + 1, false)`.execute(executor);
      }
    },
    async deleteAll(table: string): Promise<void> {
      await sql`delete from ${sql.table(table)}`.execute(executor);
    },
    /**
     * The newest restore drill as the audit trail records it (`backup.drill`, written by `mamori backup drill`): its
     * time and outcome only. Read from the audit table because that entry is the drill's one durable record.
     */
    async lastDrill(): Promise<{ at: Date; outcome: string } | undefined> {
      const row = (
        await sql<{ recorded_at: Date; outcome: string }>`
          select recorded_at, entry->>'outcome' as outcome from audit_entry where entry->>'action' = 'backup.drill' order by seq desc limit 1`.execute(executor)
      ).rows[0];
      return row && { at: new Date(row.recorded_at), outcome: row.outcome };
    },
  };
}
