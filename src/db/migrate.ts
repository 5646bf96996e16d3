import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import type { Database } from "./database.js";

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

// Any constant shared by every node: the lock makes concurrent start-ups apply migrations one at a time.
const migrationLockKey = 7_262_001;

/**
 * Applies the plain-SQL migrations in `migrations/` not yet applied, in name order, each in its own transaction.
 * Safe when several nodes start at once (advisory lock). Returns the names applied.
 */
export async function migrate(database: Database): Promise<string[]> {
  const files = (await readdir(migrationsDir)).filter((name) => name.endsWith(".sql")).sort();
  const applied: string[] = [];
  await database.kysely.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${migrationLockKey})`.execute(connection);
    try {
      // Inside the lock: two nodes creating the bookkeeping table at once would collide in the catalogue.
      await sql`create table if not exists db_migration (name text primary key, applied_at timestamptz not null default now())`.execute(connection);
      const done = new Set(
        (await sql<{ name: string }>`select name from db_migration`.execute(connection)).rows.map((row) => row.name),
      );
      for (const file of files) {
        if (done.has(file)) continue;
        const script = await readFile(path.join(migrationsDir, file), "utf8");
        await connection.transaction().execute(async (trx) => {
          for (const statement of splitStatements(script)) await sql.raw(statement).execute(trx);
          await sql`insert into db_migration (name) values (${file})`.execute(trx);
        });
        applied.push(file);
      }
    } finally {
      await sql`select pg_advisory_unlock(${migrationLockKey})`.execute(connection);
    }
  });
  return applied;
}

/** The migrations shipped with this build that the database has not applied (readiness: empty when current). */
export async function pendingMigrations(database: Database): Promise<string[]> {
  const files = (await readdir(migrationsDir)).filter((name) => name.endsWith(".sql")).sort();
  const done = new Set((await sql<{ name: string }>`select name from db_migration`.execute(database.kysely)).rows.map((row) => row.name));
  return files.filter((file) => !done.has(file));
}

/**
 * Splits a migration on semicolons at line ends, except inside `$$`-quoted bodies (functions), which run whole.
 */
function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  let inBody = false;
  for (const line of script.split(/\r?\n/)) {
    current.push(line);
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inBody = !inBody;
    if (!inBody && /;\s*$/.test(line)) {
      statements.push(current.join("\n"));
      current = [];
    }
  }
  statements.push(current.join("\n"));
  return statements
    .map((statement) => statement.replace(/^\s*--.*$/gm, "").trim().replace(/;$/, ""))
    .filter((statement) => statement.length > 0);
}
