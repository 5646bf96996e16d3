import type { KmsProvider } from "../crypto/index.js";
import { migrate, type Database } from "../db/index.js";
import { AppError } from "../kernel/index.js";
import { readArchiveLines, verifyArchive } from "./archive-reader.js";
import type { ArchiveHeader } from "./archive-format.js";
import type { BackupSigningKey } from "./signing-key.js";
import { createBackupStore } from "./store.js";
import { createTableHash, type TableManifest } from "./table-hash.js";

export interface RestoreResult {
  header: ArchiveHeader;
  tables: TableManifest;
  bytesPerSecondBasis: { seconds: number };
}

const insertRows = 1_000;
const insertBytes = 4 << 20;

/**
 * Restores an archive into an empty database: verifies the signature first (nothing is written for an archive that
 * fails), applies the migrations, then inserts every row in one transaction and checks each table's count and hash
 * against the archive's manifest before committing.
 * @throws {AppError} `backup.tampered`, `backup.target_not_empty`, `backup.incompatible`.
 */
export async function restoreDatabase(deps: {
  db: Database;
  kms: KmsProvider;
  signingKey: BackupSigningKey;
  file: string;
  onProgress?: (progress: { table: string; rows: number }) => void;
}): Promise<RestoreResult> {
  const started = performance.now();
  const verified = await verifyArchive(deps.file, deps.signingKey);
  const target = createBackupStore(deps.db.kysely);
  const existing = await target.tablesInDependencyOrder();
  if (existing.includes("crypto_kek") && (await target.countRows("crypto_kek")) > 0) throw new AppError("backup.target_not_empty");
  const applied = await migrate(deps.db);
  const migrations = (await deps.db.kysely.withTables<{ db_migration: { name: string } }>().selectFrom("db_migration").select("name").orderBy("name").execute()).map((row) => row.name);
  if (JSON.stringify(migrations) !== JSON.stringify(verified.header.migrations)) {
    throw new AppError("backup.incompatible", { detail: `archive migrations ${verified.header.migrations.at(-1)}, this version ${migrations.at(-1)} (applied now: ${applied.length})` });
  }
  const tables = await deps.db.kysely.transaction().execute(async (trx) => {
    const store = createBackupStore(trx);
    await store.useCanonicalSettings();
    await store.skipForeignKeyTriggers();
    // Rows the migrations seed (e.g. the audit chain head) are replaced by the archive's.
    for (const table of [...(await store.tablesInDependencyOrder())].reverse()) await store.deleteAll(table);
    let table: string | undefined;
    let batch: string[] = [];
    let batchBytes = 0;
    let hash = createTableHash();
    const found: TableManifest = {};
    let manifest: TableManifest | undefined;
    // One insert in flight while the next batch is read, decrypted and hashed.
    let inflight: Promise<void> = Promise.resolve();
    const flush = async () => {
      await inflight;
      if (table && batch.length > 0) {
        inflight = store.insertRows(table, `[${batch.join(",")}]`);
        inflight.catch(() => {});
      }
      batch = [];
      batchBytes = 0;
      if (table) deps.onProgress?.({ table, rows: hash.result().rows });
    };
    for await (const line of readArchiveLines(deps.file, deps.kms, verified)) {
      if (line.startsWith("T\t") || line.startsWith("E\t")) {
        await flush();
        if (table) found[table] = hash.result();
        if (line.startsWith("E\t")) {
          manifest = JSON.parse(line.slice(2)) as TableManifest;
          table = undefined;
          continue;
        }
        table = line.slice(2);
        hash = createTableHash();
        continue;
      }
      if (!table) throw new AppError("backup.tampered", { detail: "row outside a table" });
      hash.add(line);
      batch.push(line);
      batchBytes += line.length;
      if (batch.length >= insertRows || batchBytes >= insertBytes) await flush();
    }
    await inflight;
    if (!manifest) throw new AppError("backup.tampered", { detail: "manifest missing" });
    await store.resetOwnedSequences();
    if (JSON.stringify(sorted(found)) !== JSON.stringify(sorted(manifest))) throw new AppError("backup.tampered", { detail: "rows differ from the manifest" });
    return manifest;
  });
  return { header: verified.header, tables, bytesPerSecondBasis: { seconds: (performance.now() - started) / 1000 } };
}

function sorted(manifest: TableManifest): TableManifest {
  return Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
}
