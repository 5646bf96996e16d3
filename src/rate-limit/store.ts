import { sql } from "kysely";
import type { Executor } from "../db/index.js";
import { windowOf, type CounterStore } from "./counter-store.js";

type RateLimitTables = {
  rate_limit_counter: { key: string; window_start: Date; hits: number; expires_at: Date };
};

/**
 * Counters in the database (PGlite or PostgreSQL): one upsert per hit. `on conflict do update` locks the row, so
 * concurrent hits from several nodes serialise on it and each gets its own count.
 */
export function createDatabaseCounterStore(executor: Executor): CounterStore {
  const db = executor.withTables<RateLimitTables>();
  return {
    kind: "database",
    async hit(key, windowMs, now) {
      const window = windowOf(now, windowMs);
      const row = await db
        .insertInto("rate_limit_counter")
        .values({ key, window_start: window.start, hits: 1, expires_at: window.resetAt })
        .onConflict((conflict) =>
          conflict.column("key").doUpdateSet({
            // A newer window starts over; a node whose clock lags a little adds to the current one.
            hits: sql<number>`case when excluded.window_start > rate_limit_counter.window_start then 1 else rate_limit_counter.hits + 1 end`,
            window_start: sql<Date>`greatest(rate_limit_counter.window_start, excluded.window_start)`,
            expires_at: sql<Date>`greatest(rate_limit_counter.expires_at, excluded.expires_at)`,
          }),
        )
        .returning(["hits", "expires_at"])
        .executeTakeFirstOrThrow();
      return { count: row.hits, resetAt: new Date(row.expires_at) };
    },
    async reset(key) {
      await db.deleteFrom("rate_limit_counter").where("key", "=", key).execute();
    },
    async purgeExpired(now) {
      const result = await db.deleteFrom("rate_limit_counter").where("expires_at", "<=", now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
