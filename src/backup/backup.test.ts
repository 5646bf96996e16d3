import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createAccess } from "../access/index.js";
import { createKeyring, openLocalKeyFile } from "../crypto/index.js";
import { createSearchIndex, createShredding } from "../fhir/index.js";
import { createManualClock, isAppError, type Principal } from "../kernel/index.js";
import { buildPatient, openTestDatabase, startTestApp, type TestApp } from "../testing/index.js";
import { archiveFileName, backupDatabase, drillRestore, generationsToKeep, hashTables, openBackupSigningKey, restoreDatabase, type BackupSigningKey } from "./index.js";

const admin = (): Principal => ({ accountId: randomUUID(), roles: ["admin"], sessionId: "test", network: { ip: "127.0.0.1", userAgent: "backup-test" } });
const access = await createAccess();
const mayShred = (principal: Principal, action: "shred_patient" | "approve_shred", patientId: string) => access.decide(principal, action, { type: "Patient", id: patientId });

// BAK-1..3: encrypted, signed backups; restore verified before it writes; restore drills (安全管理ガイドライン 13.2, 6.10).
describe("backup and restore", () => {
  let app: TestApp;
  let dir: string;
  let signingKey: BackupSigningKey;
  const patients: string[] = [];
  before(async () => {
    app = await startTestApp();
    dir = await mkdtemp(path.join(os.tmpdir(), "mamori-backup-"));
    signingKey = await openBackupSigningKey(path.join(dir, "keys", "backup-signing.key"));
    const doctor = await app.signedInUser("doctor");
    for (let i = 0; i < 3; i += 1) {
      const created = await doctor.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: String(500 + i) }), { contentType: "application/fhir+json" });
      patients.push(created.json.id as string);
      assert.equal((await doctor.client.get(`/fhir/R4/Patient/${created.json.id}`)).status, 200);
    }
    await app.mamori.audit.checkpointNow();
  });
  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  const kms = () => openLocalKeyFile(app.config.masterKeyFile);
  const takeBackup = async () => backupDatabase({ db: app.mamori.db, kms: await kms(), signingKey, file: path.join(dir, archiveFileName(new Date(Date.now() + Math.random() * 1e9))) });

  it("restores into an empty database with every table identical (hash comparison)", async () => {
    const backup = await takeBackup();
    assert.equal((await stat(backup.file)).mode & 0o777, 0o600);
    assert.equal((await readFile(backup.file)).includes(Buffer.from("シケン")), false, "no medical content in clear");
    const target = await openTestDatabase();
    try {
      const restored = await restoreDatabase({ db: target, kms: await kms(), signingKey, file: backup.file });
      assert.deepEqual(restored.tables, backup.tables);
      const { db_migration: _a, ...restoredTables } = await hashTables(target);
      const { db_migration: _b, ...backedUp } = backup.tables;
      assert.deepEqual(restoredTables, backedUp);
      assert.ok(backup.tables["fhir_resource_version"]!.rows >= 3);
      assert.ok(backup.tables["audit_entry"]!.rows > 0);
    } finally {
      await target.close();
    }
  });

  it("refuses a tampered, truncated or foreign-signed archive before writing anything", async () => {
    const backup = await takeBackup();
    const original = await readFile(backup.file);
    const tampered = Buffer.from(original);
    tampered[Math.floor(tampered.length / 2)]! ^= 0x01;
    const variants: [string, Buffer][] = [
      ["tampered", tampered],
      ["truncated", original.subarray(0, original.length - 100)],
    ];
    const otherKey = await openBackupSigningKey(path.join(dir, "keys", "other.key"));
    const target = await openTestDatabase();
    try {
      for (const [name, bytes] of variants) {
        const file = path.join(dir, `${name}.mbk`);
        await writeFile(file, bytes);
        await assert.rejects(restoreDatabase({ db: target, kms: await kms(), signingKey, file }), (error) => isAppError(error, "backup.tampered"), name);
      }
      await assert.rejects(restoreDatabase({ db: target, kms: await kms(), signingKey: otherKey, file: backup.file }), (error) => isAppError(error, "backup.tampered"), "foreign key");
      const rows = await sql<{ n: number }>`select (select count(*) from crypto_kek) + (select count(*) from audit_entry) as n`.execute(target.kysely);
      assert.equal(Number(rows.rows[0]!.n), 0, "nothing was written");
    } finally {
      await target.close();
    }
  });

  it("refuses to restore into a database that holds data", async () => {
    const backup = await takeBackup();
    await assert.rejects(restoreDatabase({ db: app.mamori.db, kms: await kms(), signingKey, file: backup.file }), (error) => isAppError(error, "backup.target_not_empty"));
  });

  it("drills a restore into a scratch database: counts, hashes and the audit chain", async () => {
    const backup = await takeBackup();
    const report = await drillRestore({ kms: await kms(), signingKey, file: backup.file });
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.equal(report.audit.intact, true);
    assert.ok(report.audit.checkpoints >= 1);
  });

  it("leaves no archive, not even a partial one, when interrupted", async () => {
    const controller = new AbortController();
    controller.abort();
    const file = path.join(dir, "interrupted", archiveFileName(new Date()));
    await rm(path.dirname(file), { recursive: true, force: true });
    await mkdir(path.dirname(file));
    await assert.rejects(backupDatabase({ db: app.mamori.db, kms: await kms(), signingKey, file, signal: controller.signal }), /interrupted/);
    assert.deepEqual(await readdir(path.dirname(file)), []);
  });

  // KEY-4: crypto-shredding; retention (医師法 §24: 5 years) blocks it unless two administrators approve.
  it("makes a shredded patient unreadable in a backup taken afterwards, while others stay readable", async () => {
    const clock = createManualClock();
    const shredding = createShredding({ db: app.mamori.db, keyring: app.mamori.keyring, audit: app.mamori.audit, clock, retentionYears: 5, searchIndex: createSearchIndex({ keyring: app.mamori.keyring }), mayShred });
    const [victim, other] = patients as [string, string];
    const first = admin();
    await shredding.approve(first, victim, "patient request (個人情報保護法 §35)");
    await assert.rejects(shredding.shredPatient(first, victim), (error) => isAppError(error, "fhir.shred_blocked"));
    await assert.rejects(shredding.approve({ ...first, roles: ["doctor"] }, victim, "x"), (error) => isAppError(error, "access.denied"));
    await shredding.approve(admin(), victim, "second administrator");
    assert.equal((await shredding.shredPatient(first, victim)).reasonCode, "fhir.dual_approval");
    const doctor = await app.signedInUser("doctor");
    assert.equal((await doctor.client.get(`/fhir/R4/Patient/${victim}`)).status, 503);

    const backup = await takeBackup();
    const target = await openTestDatabase();
    try {
      await restoreDatabase({ db: target, kms: await kms(), signingKey, file: backup.file });
      const keyring = await createKeyring({ db: target, kms: await kms(), clock });
      const body = async (id: string) =>
        Buffer.from((await sql<{ body: Uint8Array }>`select body from fhir_resource_version where resource_type = 'Patient' and id = ${id}`.execute(target.kysely)).rows[0]!.body);
      await assert.rejects(keyring.decrypt(await body(victim), `fhir:Patient/${victim}/_history/1`), (error) => isAppError(error, "crypto.key_unavailable"));
      assert.match((await keyring.decrypt(await body(other), `fhir:Patient/${other}/_history/1`)).toString(), /シケン/);
    } finally {
      await target.close();
    }
  });

  it("lets shredding through without approvals once the retention period has passed", async () => {
    const clock = createManualClock(new Date(Date.now() + 6 * 365 * 86_400_000));
    const shredding = createShredding({ db: app.mamori.db, keyring: app.mamori.keyring, audit: app.mamori.audit, clock, retentionYears: 5, searchIndex: createSearchIndex({ keyring: app.mamori.keyring }), mayShred });
    assert.equal((await shredding.shredPatient(admin(), patients[2]!)).reasonCode, "fhir.retention_expired");
  });
});

describe("generationsToKeep", () => {
  it("keeps 7 daily, 4 weekly and 12 monthly generations and always the newest", () => {
    const names = Array.from({ length: 500 }, (_, day) => archiveFileName(new Date(Date.UTC(2026, 10, 25, 2) - day * 86_400_000)));
    const keep = generationsToKeep(names);
    assert.ok(keep.has(names[0]!));
    for (const name of names.slice(0, 7)) assert.ok(keep.has(name), name);
    assert.ok(keep.size <= 7 + 4 + 12 && keep.size >= 12, `kept ${keep.size}`);
    const months = new Set([...keep].map((name) => name.slice(7, 13)));
    assert.equal(months.size, 12);
  });
});
