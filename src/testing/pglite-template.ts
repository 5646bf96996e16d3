import { createHash } from "node:crypto";
import { readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrate, openDatabase } from "../db/index.js";

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "../db/migrations");
const prefix = "mamori-pglite-template-";

let loaded: Promise<Blob> | undefined;

/**
 * The data folder of an in-memory PGlite with every migration applied, archived once per set of migrations and
 * PGlite version in the system's temp folder and read by every later test process. A test database opened from it
 * is the same embedded PostgreSQL, migrated by the same code, without paying for initdb and the migrations again
 * (most of a test app's start on PGlite). The name holds a hash of the migrations, so a changed or added migration
 * builds a new template; older templates are removed when a new one is written.
 */
export function migratedPgliteTemplate(): Promise<Blob> {
  loaded ??= loadOrBuild();
  return loaded;
}

async function loadOrBuild(): Promise<Blob> {
  const file = path.join(os.tmpdir(), `${prefix}${await fingerprint()}.tar`);
  try {
    return new Blob([await readFile(file)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const db = await openDatabase({ dataDir: "", databaseUrl: undefined, databasePoolSize: 1 }, { memory: true });
  let archive: Blob;
  try {
    await migrate(db);
    archive = await db.archiveDataFolder!();
  } finally {
    await db.close();
  }
  // Written under a name of its own, then renamed: test processes starting together never read a half-written file.
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, new Uint8Array(await archive.arrayBuffer()), { mode: 0o600 });
  await rename(partial, file);
  await removeOtherTemplates(path.basename(file));
  return archive;
}

async function fingerprint(): Promise<string> {
  const hash = createHash("sha256");
  // The package does not export its package.json; its entry point sits in dist/ beside it.
  const pglitePackage = await readFile(path.join(path.dirname(fileURLToPath(import.meta.resolve("@electric-sql/pglite"))), "../package.json"), "utf8");
  hash.update((JSON.parse(pglitePackage) as { version: string }).version);
  for (const name of (await readdir(migrationsDir)).filter((entry) => entry.endsWith(".sql")).sort()) {
    hash.update(`\u0000${name}\u0000`);
    hash.update(await readFile(path.join(migrationsDir, name)));
  }
  return hash.digest("hex").slice(0, 16);
}

async function removeOtherTemplates(keep: string): Promise<void> {
  for (const name of await readdir(os.tmpdir())) {
    if (name.startsWith(prefix) && name !== keep && !name.endsWith(".partial")) await rm(path.join(os.tmpdir(), name), { force: true });
  }
}
