import { type Generated, sql } from "kysely";
import type { Executor } from "../db/index.js";
import type { Severity } from "./types.js";

export type AlertState = "open" | "acknowledged" | "closed";

/** A row of ids_alert as stored. */
type AlertTableRow = {
  id: string;
  rule_id: string;
  severity: Severity;
  account_id: string | null;
  ip: string | null;
  subject: string;
  evidence: number[];
  state: AlertState;
  opened_at: Date;
  updated_at: Date;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
  acknowledged_note: string | null;
  closed_by: string | null;
  closed_at: Date | null;
  closed_note: string | null;
};

type IdsTables = {
  ids_cursor: { name: string; seq: number; updated_at: Date };
  ids_window: { rule_id: string; subject: string; key: string; at: Date; seq: number; sightings: Generated<number> };
  ids_alert: AlertTableRow;

};

export interface WindowRow {
  key: string;
  at: Date;
  seq: number;
  /** How many sightings the row stands for: 1, or a bucket's count (see `tally`). */
  sightings: number;
}

export interface AlertRow {
  id: string;
  ruleId: string;
  severity: Severity;
  accountId: string | undefined;
  ip: string | undefined;
  subject: string;
  evidence: number[];
  state: AlertState;
  openedAt: Date;
  updatedAt: Date;
  acknowledged?: { by: string; at: Date; note: string } | undefined;
  closed?: { by: string; at: Date; note: string } | undefined;
}

/** The engine's cursor: its row is also the leader row (locked for the length of one batch). */
export function createCursorStore(executor: Executor) {
  const db = executor.withTables<IdsTables>();
  return {
    /** Locks the cursor row for this transaction without waiting; undefined when another node holds it. */
    async lock(): Promise<number | undefined> {
      const row = await db.selectFrom("ids_cursor").select("seq").where("name", "=", "engine").forUpdate().skipLocked().executeTakeFirst();
      return row?.seq;
    },
    async read(): Promise<number> {
      const row = await db.selectFrom("ids_cursor").select("seq").where("name", "=", "engine").executeTakeFirst();
      return row?.seq ?? 0;
    },
    async advance(seq: number, at: Date): Promise<void> {
      await db.updateTable("ids_cursor").set({ seq, updated_at: at }).where("name", "=", "engine").execute();
    },
  };
}

/** The rules' sliding windows: the latest sighting of each (rule, subject, key). */
export function createWindowStore(executor: Executor) {
  const db = executor.withTables<IdsTables>();

  /** Writes window rows, a key seen again keeping its latest time and seq and, when counting, adding its sightings. */
  async function upsert(ruleId: string, rows: ReadonlyArray<{ subject: string; key: string; at: Date; seq: number; sightings?: number }>, isCounting: boolean): Promise<void> {
    const values = rows.map((row) => ({ rule_id: ruleId, subject: row.subject, key: row.key, at: row.at, seq: row.seq, ...(isCounting ? { sightings: row.sightings ?? 1 } : {}) }));
    const latest = { at: sql<Date>`greatest(ids_window.at, excluded.at)`, seq: sql<number>`greatest(ids_window.seq, excluded.seq)` };
    // One statement per chunk: a batch of reads becomes a few round trips, not one per entry.
    for (let start = 0; start < values.length; start += 1000) {
      await db
        .insertInto("ids_window")
        .values(values.slice(start, start + 1000))
        .onConflict((conflict) => conflict.columns(["rule_id", "subject", "key"]).doUpdateSet(isCounting ? { ...latest, sightings: sql<number>`ids_window.sightings + excluded.sightings` } : latest))
        .execute();
    }
  }

  return {
    /** Records sightings; a key seen again keeps its latest time and seq. */
    async record(ruleId: string, rows: ReadonlyArray<{ subject: string; key: string; at: Date; seq: number }>): Promise<void> {
      const unique = new Map<string, { subject: string; key: string; at: Date; seq: number }>();
      for (const row of rows) unique.set(`${row.subject}\u0000${row.key}`, row);
      await upsert(ruleId, [...unique.values()], false);
    },
    /**
     * Adds counted sightings: a row per (subject, key) gains `sightings` and keeps its latest time and seq. The rule
     * chooses keys that bucket time, so the window holds a bounded number of rows whatever the volume. Each
     * (subject, key) must appear once in `rows`.
     */
    async tally(ruleId: string, rows: ReadonlyArray<{ subject: string; key: string; at: Date; seq: number; sightings: number }>): Promise<void> {
      await upsert(ruleId, rows, true);
    },
    /** The subject's keys last seen at or after `from`, oldest first. */
    async since(ruleId: string, subject: string, from: Date): Promise<WindowRow[]> {
      return db
        .selectFrom("ids_window")
        .select(["key", "at", "seq", "sightings"])
        .where("rule_id", "=", ruleId)
        .where("subject", "=", subject)
        .where("at", ">=", from)
        .orderBy("at")
        .execute();
    },
    /** `since` for many subjects in one query: each subject's keys last seen at or after its own `from`, oldest first. */
    async sinceEach(ruleId: string, from: ReadonlyMap<string, Date>): Promise<Map<string, WindowRow[]>> {
      const result = new Map<string, WindowRow[]>();
      if (from.size === 0) return result;
      const earliest = new Date(Math.min(...[...from.values()].map((at) => at.getTime())));
      const rows = await db
        .selectFrom("ids_window")
        .select(["subject", "key", "at", "seq", "sightings"])
        .where("rule_id", "=", ruleId)
        .where("subject", "in", [...from.keys()])
        .where("at", ">=", earliest)
        .orderBy("at")
        .execute();
      for (const row of rows) {
        if (row.at < from.get(row.subject)!) continue;
        const list = result.get(row.subject) ?? [];
        list.push({ key: row.key, at: row.at, seq: row.seq, sightings: row.sightings });
        result.set(row.subject, list);
      }
      return result;
    },
    /** The latest sighting of each of `subjects`'s keys under a rule, for rules that learn a baseline. */
    async latestOf(ruleId: string, subjects: readonly string[]): Promise<Map<string, WindowRow[]>> {
      const result = new Map<string, WindowRow[]>();
      if (subjects.length === 0) return result;
      const rows = await db.selectFrom("ids_window").select(["subject", "key", "at", "seq", "sightings"]).where("rule_id", "=", ruleId).where("subject", "in", [...subjects]).execute();
      for (const row of rows) {
        const list = result.get(row.subject) ?? [];
        list.push({ key: row.key, at: row.at, seq: row.seq, sightings: row.sightings });
        result.set(row.subject, list);
      }
      return result;
    },
    /** Forgets a rule's sightings older than its window can reach. */
    async prune(ruleId: string, before: Date): Promise<void> {
      await db.deleteFrom("ids_window").where("rule_id", "=", ruleId).where("at", "<", before).execute();
    },
  };
}

export type WindowStore = ReturnType<typeof createWindowStore>;

const alertColumns = [
  "id",
  "rule_id",
  "severity",
  "account_id",
  "ip",
  "subject",
  "evidence",
  "state",
  "opened_at",
  "updated_at",
  "acknowledged_by",
  "acknowledged_at",
  "acknowledged_note",
  "closed_by",
  "closed_at",
  "closed_note",
] as const;

/** Alerts: one live (not closed) alert per rule and subject. */
export function createAlertStore(executor: Executor) {
  const db = executor.withTables<IdsTables>();
  return {
    async live(ruleId: string, subject: string): Promise<AlertRow | undefined> {
      const row = await db.selectFrom("ids_alert").select(alertColumns).where("rule_id", "=", ruleId).where("subject", "=", subject).where("state", "<>", "closed").executeTakeFirst();
      return row && toAlert(row);
    },
    async insert(alert: Omit<AlertRow, "acknowledged" | "closed" | "updatedAt">): Promise<void> {
      await db
        .insertInto("ids_alert")
        .values({
          id: alert.id,
          rule_id: alert.ruleId,
          severity: alert.severity,
          account_id: alert.accountId ?? null,
          ip: alert.ip ?? null,
          subject: alert.subject,
          evidence: sql<number[]>`${JSON.stringify(alert.evidence)}::jsonb`,
          state: alert.state,
          opened_at: alert.openedAt,
          updated_at: alert.openedAt,
        })
        .execute();
    },
    async setEvidence(id: string, evidence: number[], at: Date): Promise<void> {
      await db.updateTable("ids_alert").set({ evidence: sql<number[]>`${JSON.stringify(evidence)}::jsonb`, updated_at: at }).where("id", "=", id).execute();
    },
    async get(id: string): Promise<AlertRow | undefined> {
      const row = await db.selectFrom("ids_alert").select(alertColumns).where("id", "=", id).executeTakeFirst();
      return row && toAlert(row);
    },
    async list(filter: { state?: AlertState | undefined; limit: number }): Promise<AlertRow[]> {
      let query = db.selectFrom("ids_alert").select(alertColumns).orderBy("opened_at", "desc").orderBy("id").limit(filter.limit);
      if (filter.state) query = query.where("state", "=", filter.state);
      return (await query.execute()).map(toAlert);
    },
    /** Moves an alert from `from` to `to`; false when it was not in `from` (someone else moved it first). */
    async transition(id: string, from: AlertState, to: "acknowledged" | "closed", by: string, note: string, at: Date): Promise<boolean> {
      const changes =
        to === "acknowledged"
          ? { state: to, acknowledged_by: by, acknowledged_at: at, acknowledged_note: note, updated_at: at }
          : { state: to, closed_by: by, closed_at: at, closed_note: note, updated_at: at };
      const result = await db.updateTable("ids_alert").set(changes).where("id", "=", id).where("state", "=", from).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

function toAlert(row: AlertTableRow): AlertRow {
  return {
    id: row.id,
    ruleId: row.rule_id,
    severity: row.severity,
    accountId: row.account_id ?? undefined,
    ip: row.ip ?? undefined,
    subject: row.subject,
    evidence: row.evidence,
    state: row.state,
    openedAt: row.opened_at,
    updatedAt: row.updated_at,
    acknowledged: row.acknowledged_by && row.acknowledged_at ? { by: row.acknowledged_by, at: row.acknowledged_at, note: row.acknowledged_note ?? "" } : undefined,
    closed: row.closed_by && row.closed_at ? { by: row.closed_by, at: row.closed_at, note: row.closed_note ?? "" } : undefined,
  };
}
