import { sql } from "kysely";
import type { Executor } from "../db/index.js";

/** `account_source`: one account from one client address; `account`: the account from anywhere; `ip`: one address, any account. */
export type ThrottleScope = "account" | "account_source" | "ip";

type LockoutTables = {
  identity_sign_in_throttle: {
    scope: ThrottleScope;
    subject: string;
    failures: number;
    last_failure_at: Date;
    not_before: Date | null;
    locked_until: Date | null;
  };
};

export interface ThrottleRow {
  scope: ThrottleScope;
  subject: string;
  failures: number;
  notBefore: Date | null;
  lockedUntil: Date | null;
}

/** SQL of the sign-in failure counters. */
export function createLockoutStore(executor: Executor) {
  const db = executor.withTables<LockoutTables>();
  return {
    async rows(keys: ReadonlyArray<{ scope: ThrottleScope; subject: string }>): Promise<ThrottleRow[]> {
      if (keys.length === 0) return [];
      const rows = await db
        .selectFrom("identity_sign_in_throttle")
        .select(["scope", "subject", "failures", "not_before", "locked_until"])
        .where((eb) => eb.or(keys.map((key) => eb.and([eb("scope", "=", key.scope), eb("subject", "=", key.subject)]))))
        .execute();
      return rows.map((row) => ({ scope: row.scope, subject: row.subject, failures: row.failures, notBefore: row.not_before, lockedUntil: row.locked_until }));
    },
    /**
     * Counts one failure atomically and returns the new count; a count whose last failure is older than
     * `forgetBefore` starts again at one.
     */
    async countFailure(scope: ThrottleScope, subject: string, at: Date, forgetBefore: Date): Promise<number> {
      const row = await db
        .insertInto("identity_sign_in_throttle")
        .values({ scope, subject, failures: 1, last_failure_at: at })
        .onConflict((oc) =>
          oc.columns(["scope", "subject"]).doUpdateSet((eb) => ({
            failures: eb.case().when("identity_sign_in_throttle.last_failure_at", "<", forgetBefore).then(1).else(eb("identity_sign_in_throttle.failures", "+", 1)).end(),
            last_failure_at: at,
          })),
        )
        .returning("failures")
        .executeTakeFirstOrThrow();
      return row.failures;
    },
    async setDeadlines(scope: ThrottleScope, subject: string, deadlines: { notBefore: Date | null; lockedUntil: Date | null }): Promise<void> {
      await db
        .updateTable("identity_sign_in_throttle")
        .set({ not_before: deadlines.notBefore, ...(deadlines.lockedUntil ? { locked_until: deadlines.lockedUntil } : {}) })
        .where("scope", "=", scope)
        .where("subject", "=", subject)
        .execute();
    },
    /**
     * Starts a lock that ends at `until` and starts the count again, unless a lock is already in force at `now`
     * (whose end then stays as it is). True when this call started the lock.
     */
    async startFixedLock(scope: ThrottleScope, subject: string, now: Date, until: Date): Promise<boolean> {
      const result = await db
        .updateTable("identity_sign_in_throttle")
        .set({ locked_until: until, failures: 0, not_before: null })
        .where("scope", "=", scope)
        .where("subject", "=", subject)
        .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", now)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    /** Forgets the failures of a subject (success or unlock); true when there was something to forget. */
    async clear(scope: ThrottleScope, subject: string): Promise<boolean> {
      const result = await db.deleteFrom("identity_sign_in_throttle").where("scope", "=", scope).where("subject", "=", subject).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    /** Per account subject, the latest end of a lock in force at `now` on any of its `account_source` rows. */
    async sourceLocks(accountSubjects: readonly string[], now: Date): Promise<Map<string, Date>> {
      if (accountSubjects.length === 0) return new Map();
      const account = sql<string>`split_part(subject, '|', 1)`;
      const rows = await db
        .selectFrom("identity_sign_in_throttle")
        .select([account.as("account"), (eb) => eb.fn.max("locked_until").as("until")])
        .where("scope", "=", "account_source")
        .where("locked_until", ">", now)
        .where(account, "in", [...accountSubjects])
        .groupBy(account)
        .execute();
      return new Map(rows.flatMap((row) => (row.until ? [[row.account, new Date(row.until)] as const] : [])));
    },
    /** Forgets every `account_source` row of an account subject, whatever the address (unlock). */
    async clearSources(accountSubject: string): Promise<void> {
      await db.deleteFrom("identity_sign_in_throttle").where("scope", "=", "account_source").where("subject", "like", `${accountSubject}|%`).execute();
    },
  };
}
