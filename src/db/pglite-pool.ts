import type { PGlite } from "@electric-sql/pglite";
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from "kysely";

/**
 * Presents one embedded PGlite instance as a Kysely PostgreSQL pool. PGlite has a single session, so a
 * connection is lent to one holder at a time: a transaction keeps it until release, and every other query waits.
 */
export function createPglitePool(pglite: PGlite): PostgresPool {
  let tail: Promise<void> = Promise.resolve();

  return {
    async connect(): Promise<PostgresPoolClient> {
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const previous = tail;
      tail = previous.then(() => released);
      await previous;
      return {
        query: (async (sql: string, parameters: readonly unknown[]) => {
          const result = await pglite.query<Record<string, unknown>>(sql, [...parameters]);
          return {
            command: commandOf(sql),
            rowCount: result.affectedRows ?? result.rows.length,
            rows: result.rows,
          } satisfies PostgresQueryResult<Record<string, unknown>>;
        }) as PostgresPoolClient["query"],
        release: () => release(),
      };
    },
    async end(): Promise<void> {
      await tail;
    },
  };
}

function commandOf(sql: string): PostgresQueryResult<unknown>["command"] {
  // oxlint-disable-next-line security/detect-unsafe-regex -- runs on our own SQL text (Kysely output), never on request data.
  const keyword = /^\s*(?:with\b[\s\S]*?\)\s*)?(\w+)/i.exec(sql)?.[1]?.toUpperCase();
  switch (keyword) {
    case "INSERT":
    case "UPDATE":
    case "DELETE":
    case "MERGE":
      return keyword;
    default:
      return "SELECT";
  }
}
