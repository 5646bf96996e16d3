import { migrate, openDatabase, type Database } from "../db/index.js";
import { createScratchPostgres } from "./test-database.js";

/**
 * A migrated database for a module test: in-memory PGlite, or a scratch PostgreSQL database when DATABASE_URL is
 * set. `close` also drops the scratch database.
 */
export async function openTestDatabase(): Promise<Database> {
  const postgres = await createScratchPostgres(process.env);
  const db = await openDatabase({ dataDir: "", databaseUrl: postgres?.url, databasePoolSize: 4 }, { memory: true });
  await migrate(db);
  return {
    ...db,
    async close() {
      await db.close();
      await postgres?.drop();
    },
  };
}
