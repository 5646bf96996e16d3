import { migrate, openDatabase, type Database } from "../db/index.js";
import { migratedPgliteTemplate } from "./pglite-template.js";
import { createScratchPostgres } from "./test-database.js";

/**
 * A migrated database for a module test: in-memory PGlite (from the migrated template, `migrate` then finds
 * nothing to do), or a scratch PostgreSQL database when DATABASE_URL is set. `close` also drops the scratch database.
 */
export async function openTestDatabase(): Promise<Database> {
  const postgres = await createScratchPostgres(process.env);
  const db = await openDatabase({ dataDir: "", databaseUrl: postgres?.url, databasePoolSize: 4 }, { memory: true, startFrom: postgres ? undefined : await migratedPgliteTemplate() });
  await migrate(db);
  return {
    ...db,
    async close() {
      await db.close();
      await postgres?.drop();
    },
  };
}
