import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * When DATABASE_URL points at a PostgreSQL server, each test app gets a fresh database of its own there,
 * dropped afterwards; otherwise undefined (the app then uses an in-memory PGlite).
 */
export async function createScratchPostgres(env: Record<string, string | undefined>): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const serverUrl = env["DATABASE_URL"];
  if (!serverUrl) return undefined;
  const name = `mamori_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
