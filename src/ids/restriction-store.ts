import type { Executor } from "../db/index.js";

export type RestrictionKind = "account" | "ip";

type RestrictionTables = {
  ids_restriction: {
    id: string;
    kind: RestrictionKind;
    subject: string;
    created_at: Date;
    until: Date;
    reason: string;
    alert_id: string | null;
    lifted_at: Date | null;
    lifted_by: string | null;
  };
};

export interface RestrictionRow {
  id: string;
  kind: RestrictionKind;
  subject: string;
  createdAt: Date;
  until: Date;
  reason: string;
  alertId: string | undefined;
  liftedAt: Date | undefined;
  liftedBy: string | undefined;
}

/** Locked accounts and blocked IPs. */
export function createRestrictionStore(executor: Executor) {
  const db = executor.withTables<RestrictionTables>();
  return {
    async insert(row: Omit<RestrictionRow, "liftedAt" | "liftedBy">): Promise<void> {
      await db
        .insertInto("ids_restriction")
        .values({ id: row.id, kind: row.kind, subject: row.subject, created_at: row.createdAt, until: row.until, reason: row.reason, alert_id: row.alertId ?? null })
        .execute();
    },
    /** Whether `subject` is restricted at `now` (not lifted, not yet expired). */
    async isActive(kind: RestrictionKind, subject: string, now: Date): Promise<boolean> {
      const row = await db.selectFrom("ids_restriction").select("id").where("kind", "=", kind).where("subject", "=", subject).where("lifted_at", "is", null).where("until", ">", now).executeTakeFirst();
      return row !== undefined;
    },
    /** Every restriction in force at `now`. */
    async active(now: Date): Promise<RestrictionRow[]> {
      const rows = await db.selectFrom("ids_restriction").selectAll().where("lifted_at", "is", null).where("until", ">", now).orderBy("created_at", "desc").execute();
      return rows.map((row) => ({
        id: row.id,
        kind: row.kind,
        subject: row.subject,
        createdAt: row.created_at,
        until: row.until,
        reason: row.reason,
        alertId: row.alert_id ?? undefined,
        liftedAt: row.lifted_at ?? undefined,
        liftedBy: row.lifted_by ?? undefined,
      }));
    },
    /** Lifts one restriction; returns its kind and subject, or undefined when it was not in force. */
    async lift(id: string, by: string, at: Date): Promise<{ kind: RestrictionKind; subject: string } | undefined> {
      return db
        .updateTable("ids_restriction")
        .set({ lifted_at: at, lifted_by: by })
        .where("id", "=", id)
        .where("lifted_at", "is", null)
        .returning(["kind", "subject"])
        .executeTakeFirst();
    },
  };
}
