import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sql } from "kysely";
import { migrate, openDatabase, pendingMigrations, type Database } from "../db/index.js";
import { migratedPgliteTemplate } from "./pglite-template.js";

/** Every column, index and constraint of the public schema, as text to compare. */
async function schemaOf(db: Database): Promise<string[]> {
  const columns = await sql<{ line: string }>`
    select table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') as line
    from information_schema.columns where table_schema = 'public'`.execute(db.kysely);
  const indexes = await sql<{ line: string }>`select indexdef as line from pg_indexes where schemaname = 'public'`.execute(db.kysely);
  const constraints = await sql<{ line: string }>`
    select conrelid::regclass::text || ' ' || pg_get_constraintdef(oid) as line
    from pg_constraint where connamespace = 'public'::regnamespace`.execute(db.kysely);
  return [...columns.rows, ...indexes.rows, ...constraints.rows].map((row) => row.line).sort();
}

// Test databases on PGlite start from an archived, migrated data folder: it must be exactly what the migrations
// build from an empty database, and each database opened from it must be a copy of its own.
describe("migrated PGlite template", () => {
  it("holds every migration and the same schema the migrations build from empty", async () => {
    const fromTemplate = await openDatabase({ dataDir: "", databaseUrl: undefined, databasePoolSize: 1 }, { memory: true, startFrom: await migratedPgliteTemplate() });
    const fromEmpty = await openDatabase({ dataDir: "", databaseUrl: undefined, databasePoolSize: 1 }, { memory: true });
    try {
      assert.deepEqual(await pendingMigrations(fromTemplate), []);
      assert.deepEqual(await migrate(fromTemplate), [], "nothing left to apply");
      await migrate(fromEmpty);
      const expected = await schemaOf(fromEmpty);
      assert.ok(expected.length > 100);
      assert.deepEqual(await schemaOf(fromTemplate), expected);
    } finally {
      await fromTemplate.close();
      await fromEmpty.close();
    }
  });

  it("opens a separate copy for each database", async () => {
    const template = await migratedPgliteTemplate();
    const first = await openDatabase({ dataDir: "", databaseUrl: undefined, databasePoolSize: 1 }, { memory: true, startFrom: template });
    const second = await openDatabase({ dataDir: "", databaseUrl: undefined, databasePoolSize: 1 }, { memory: true, startFrom: template });
    try {
      await sql`create table only_in_first (id int)`.execute(first.kysely);
      const seen = await sql<{ name: string | null }>`select to_regclass('only_in_first')::text as name`.execute(second.kysely);
      assert.equal(seen.rows[0]?.name, null);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
