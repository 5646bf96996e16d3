import type { Database } from "../db/index.js";
import { createBackupStore } from "./store.js";
import { createTableHash, type TableManifest } from "./table-hash.js";

/** Row count and order-independent hash of every table, read in one snapshot (drill and tests compare these). */
export async function hashTables(db: Database): Promise<TableManifest> {
  return db.kysely.transaction().setIsolationLevel("repeatable read").execute(async (trx) => {
    const store = createBackupStore(trx);
    await store.useCanonicalSettings();
    const manifest: TableManifest = {};
    for (const table of await store.tablesInDependencyOrder()) {
      const hash = createTableHash();
      for await (const page of store.rows(table, 2_000)) for (const row of page) hash.add(row);
      manifest[table] = hash.result();
    }
    return manifest;
  });
}
