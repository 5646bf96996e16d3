/**
 * Backup and restore throughput on a database of BENCH_BACKUP_RESOURCES (default 100,000) encrypted resources,
 * beside pg_dump / pg_restore (custom format) on the same PostgreSQL data in the same run.
 * MB/s is database size (pg_database_size) over wall time, the same basis for both.
 * Run: DATABASE_URL=postgres://… npx tsx bench/backup.ts (PGlite without it; then no pg_dump comparison).
 */
import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import { backupDatabase, openBackupSigningKey, restoreDatabase } from "../src/backup/index.js";
import { createKeyring, openLocalKeyFile } from "../src/crypto/index.js";
import { migrate, openDatabase } from "../src/db/index.js";
import { createManualClock } from "../src/kernel/index.js";
import { createScratchPostgres } from "../src/testing/test-database.js";

const run = promisify(execFile);
const resources = Number(process.env["BENCH_BACKUP_RESOURCES"] ?? 100_000);
const dir = await mkdtemp(path.join(os.tmpdir(), "mamori-bench-backup-"));
const source = await createScratchPostgres(process.env);
const target = await createScratchPostgres(process.env);
const pgTarget = await createScratchPostgres(process.env);
const open = async (url: string | undefined) => {
  const db = await openDatabase({ dataDir: "", databaseUrl: url, databasePoolSize: 4 }, { memory: true });
  await migrate(db);
  return db;
};
const db = await open(source?.url);
const restored = await open(target?.url);

try {
  const kms = await openLocalKeyFile(path.join(dir, "master.key"));
  const keyring = await createKeyring({ db, kms, clock: createManualClock() });
  const signingKey = await openBackupSigningKey(path.join(dir, "backup-signing.key"));
  const kekId = keyring.status().kekId;
  const author = randomUUID();
  const started = performance.now();
  for (let done = 0; done < resources; done += 1_000) {
    const rows = Array.from({ length: Math.min(1_000, resources - done) }, () => ({ id: randomUUID(), key: randomUUID() }));
    await db.kysely.transaction().execute(async (trx) => {
      await sql`insert into crypto_data_key (id, kek_id, purpose, wrapped, created_at) values ${sql.join(rows.map((row) => sql`(${row.key}::uuid, ${kekId}::uuid, 'patient', ${randomBytes(60)}, now())`))}`.execute(trx);
      await sql`insert into fhir_resource_version (resource_type, id, version, patient_id, data_key_id, body, is_deleted, last_updated, author_id)
        values ${sql.join(rows.map((row) => sql`('Patient', ${row.id}, 1, ${row.id}, ${row.key}::uuid, ${randomBytes(560 + Math.floor(Math.random() * 400))}, false, now(), ${author}::uuid)`))}`.execute(trx);
      await sql`insert into fhir_patient_key (patient_id, data_key_id) values ${sql.join(rows.map((row) => sql`(${row.id}, ${row.key}::uuid)`))}`.execute(trx);
    });
  }
  const size = Number((await sql<{ n: number }>`select pg_database_size(current_database()) as n`.execute(db.kysely)).rows[0]!.n) / 1e6;
  console.log(`\nbackup and restore, ${db.kind}: ${resources} resources, database ${size.toFixed(0)} MB (generated in ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);

  const file = path.join(dir, "bench.mbk");
  let t = performance.now();
  await backupDatabase({ db, kms, signingKey, file });
  const backupSeconds = (performance.now() - t) / 1000;
  const archiveMb = (await stat(file)).size / 1e6;
  t = performance.now();
  await restoreDatabase({ db: restored, kms, signingKey, file });
  const restoreSeconds = (performance.now() - t) / 1000;

  console.log("tool                       | backup s | backup MB/s | restore s | restore MB/s | archive MB");
  const line = (name: string, b: number, r: number, mb: number) =>
    console.log(`${name.padEnd(26)} | ${b.toFixed(1).padStart(8)} | ${(size / b).toFixed(1).padStart(11)} | ${r.toFixed(1).padStart(9)} | ${(size / r).toFixed(1).padStart(12)} | ${mb.toFixed(1).padStart(10)}`);
  line("mamori (encrypted, signed)", backupSeconds, restoreSeconds, archiveMb);
  if (source && pgTarget) {
    const dump = path.join(dir, "bench.pgdump");
    t = performance.now();
    await run("pg_dump", ["-Fc", "-f", dump, source.url]);
    const dumpSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    await run("pg_restore", ["--no-owner", "-d", pgTarget.url, dump]);
    const pgRestoreSeconds = (performance.now() - t) / 1000;
    line("pg_dump -Fc / pg_restore", dumpSeconds, pgRestoreSeconds, (await stat(dump)).size / 1e6);
    console.log(`\nratio mamori / pg_dump: backup ${(dumpSeconds / backupSeconds).toFixed(2)}x speed, restore ${(pgRestoreSeconds / restoreSeconds).toFixed(2)}x speed`);
  } else {
    console.log("\n(pg_dump comparison needs DATABASE_URL)");
  }
} finally {
  await db.close();
  await restored.close();
  await source?.drop();
  await target?.drop();
  await pgTarget?.drop();
  await rm(dir, { recursive: true, force: true });
}
