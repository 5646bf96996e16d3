import { randomUUID } from "node:crypto";
import type { KmsProvider } from "../crypto/index.js";
import type { Database } from "../db/index.js";
import { createArchiveWriter } from "./archive-writer.js";
import type { BackupSigningKey } from "./signing-key.js";
import { createBackupStore } from "./store.js";
import { createTableHash, type TableManifest } from "./table-hash.js";

export interface BackupProgress {
  table: string;
  rows: number;
}

export interface BackupResult {
  file: string;
  bytes: number;
  tables: TableManifest;
  seconds: number;
}

const fetchRows = 2_000;

/**
 * Writes a consistent, encrypted, signed archive of every table: one REPEATABLE READ transaction (a single snapshot
 * on PostgreSQL; PGlite has one session, so nothing else writes meanwhile), rows as jsonb text lines per table,
 * parents first, and a manifest of row counts and table hashes at the end. The archive appears under its final name
 * only when complete.
 * @throws {Error} when the database, KMS or disk fails, or `signal` aborts; the temporary file is removed.
 */
export async function backupDatabase(deps: {
  db: Database;
  kms: KmsProvider;
  signingKey: BackupSigningKey;
  file: string;
  onProgress?: (progress: BackupProgress) => void;
  signal?: AbortSignal;
}): Promise<BackupResult> {
  const started = performance.now();
  return deps.db.kysely.transaction().setIsolationLevel("repeatable read").execute(async (trx) => {
    const store = createBackupStore(trx);
    await store.useCanonicalSettings();
    const tables = await store.tablesInDependencyOrder();
    const migrations = tables.includes("db_migration") ? (await trx.withTables<{ db_migration: { name: string } }>().selectFrom("db_migration").select("name").orderBy("name").execute()).map((row) => row.name) : [];
    const writer = await createArchiveWriter({
      file: deps.file,
      header: { archiveId: randomUUID(), createdAt: new Date().toISOString(), databaseKind: deps.db.kind, migrations },
      kms: deps.kms,
      signingKey: deps.signingKey,
    });
    try {
      const manifest: TableManifest = {};
      for (const table of tables) {
        await writer.write(`T\t${table}\n`);
        const hash = createTableHash();
        for await (const page of store.rows(table, fetchRows)) {
          if (deps.signal?.aborted) throw new Error("backup interrupted");
          for (const row of page) hash.add(row);
          await writer.write(`${page.join("\n")}\n`);
          deps.onProgress?.({ table, rows: hash.result().rows });
        }
        manifest[table] = hash.result();
        deps.onProgress?.({ table, rows: manifest[table].rows });
      }
      await writer.write(`E\t${JSON.stringify(manifest)}\n`);
      const bytes = await writer.finish();
      return { file: deps.file, bytes, tables: manifest, seconds: (performance.now() - started) / 1000 };
    } catch (error) {
      await writer.abort();
      throw error;
    }
  });
}
