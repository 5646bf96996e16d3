import { sql } from "kysely";
import type { Executor } from "../db/index.js";
import type { AuditEntry, AuditOutcome, RecordedAuditEntry } from "./entry.js";

type AuditEntryTable = { audit_entry: { seq: number; recorded_at: Date; entry: unknown } };

/** What the store filters on; every condition is optional and they combine with AND. */
export interface StoreFilter {
  accountId?: string | undefined;
  patientId?: string | undefined;
  action?: { exact: string } | { prefix: string } | undefined;
  outcome?: AuditOutcome | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
  /** Only entries with a smaller sequence number (paging newest first). */
  before?: number | undefined;
}

/**
 * SQL of the audit query. The JSON paths below must stay identical to the expression indexes in
 * migrations/0008_audit_query.sql, or PostgreSQL will not use them.
 */
export function createAuditQueryStore(executor: Executor) {
  const db = executor.withTables<AuditEntryTable>();
  return {
    /** Matching entries, newest first, at most `limit`. */
    async newestFirst(filter: StoreFilter, limit: number): Promise<RecordedAuditEntry[]> {
      let query = db.selectFrom("audit_entry").select(["seq", "recorded_at", "entry"]);
      if (filter.accountId !== undefined) query = query.where(sql<string>`(entry->'actor'->>'accountId')`, "=", filter.accountId);
      if (filter.patientId !== undefined) query = query.where(sql<string>`(entry->>'patientId')`, "=", filter.patientId);
      if (filter.outcome !== undefined) query = query.where(sql<string>`(entry->>'outcome')`, "=", filter.outcome);
      const action = filter.action;
      if (action && "exact" in action) query = query.where(sql<string>`(entry->>'action')`, "=", action.exact);
      // starts_with, not LIKE: action codes contain "_", which LIKE would read as a wildcard.
      if (action && "prefix" in action) query = query.where(sql<boolean>`starts_with(entry->>'action', ${action.prefix})`);
      if (filter.from !== undefined) query = query.where("recorded_at", ">=", filter.from);
      if (filter.to !== undefined) query = query.where("recorded_at", "<", filter.to);
      if (filter.before !== undefined) query = query.where("seq", "<", filter.before);
      const rows = await query.orderBy("seq", "desc").limit(limit).execute();
      return rows.map(toRecorded);
    },
    /** Distinct patients of successful entries by one account in [from, to), sorted (incident impact). */
    async patientIdsAccessedBy(accountId: string, from: Date, to: Date): Promise<string[]> {
      const rows = await db
        .selectFrom("audit_entry")
        .select(sql<string>`(entry->>'patientId')`.as("patient_id"))
        .distinct()
        .where(sql<string>`(entry->'actor'->>'accountId')`, "=", accountId)
        .where(sql<string>`(entry->>'outcome')`, "=", "success")
        .where(sql<string>`(entry->>'patientId')`, "is not", null)
        .where("recorded_at", ">=", from)
        .where("recorded_at", "<", to)
        .orderBy("patient_id")
        .execute();
      return rows.map((row) => row.patient_id);
    },
    async bySeq(seq: number): Promise<RecordedAuditEntry | undefined> {
      const row = await db.selectFrom("audit_entry").select(["seq", "recorded_at", "entry"]).where("seq", "=", seq).executeTakeFirst();
      return row && toRecorded(row);
    },
  };
}

function toRecorded(row: { seq: number; recorded_at: Date; entry: unknown }): RecordedAuditEntry {
  const entry = row.entry as AuditEntry & { at?: string };
  return { ...entry, seq: row.seq, at: entry.at ?? new Date(row.recorded_at).toISOString() };
}

export type AuditQueryStore = ReturnType<typeof createAuditQueryStore>;
