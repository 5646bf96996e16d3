import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createAudit, type Audit, type AuditEntry } from "../src/audit/index.js";
import { archiveFileName, backupDatabase, drillRestore, openBackupSigningKey, restoreDatabase, verifyArchive, type BackupSigningKey } from "../src/backup/index.js";
import { createKeyring, openLocalKeyFile, type KmsProvider } from "../src/crypto/index.js";
import type { Database } from "../src/db/index.js";
import { systemClock } from "../src/kernel/index.js";
import { buildAuditEntry } from "../src/testing/builders.js";
import { openTestDatabase } from "../src/testing/test-database-handle.js";

const database = process.env["DATABASE_URL"] ? "PostgreSQL" : "PGlite";
const checkpointsIn = (exportDir: string, peerDirs: string[] = []) => ({ everyEntries: 1_000_000, everyMs: 3_600_000, exportDir, peerDirs });
const restoreEntry = (archiveId: string): AuditEntry => ({
  action: "backup.restore",
  outcome: "success",
  reasonCode: "backup.restored",
  actor: {},
  resource: { type: "Backup", id: archiveId },
  network: { ip: "127.0.0.1", userAgent: "mamori-cli" },
});

async function recordSome(audit: Audit, from: number, to: number): Promise<void> {
  for (let n = from; n <= to; n += 1) await audit.record(buildAuditEntry(n));
  await audit.checkpointNow();
}

// Issue item 4: a restore continues the signed chain, verify passes across it with the old checkpoint folder
// named, and the drill verifies the archive against the exported checkpoints as verify does.
describe(`audit trail across a restore (${database})`, () => {
  let dir: string;
  let kms: KmsProvider;
  let signingKey: BackupSigningKey;
  let source: Database;
  let sourceAudit: Audit;
  let oldFolder: string;
  let archive: { file: string; archiveId: string };
  const toClose: Database[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "mamori-audit-restore-"));
    kms = await openLocalKeyFile(path.join(dir, "master.key"));
    signingKey = await openBackupSigningKey(path.join(dir, "backup-signing.key"));
    source = await openTestDatabase();
    const keyring = await createKeyring({ db: source, kms, clock: systemClock });
    oldFolder = path.join(dir, "old-checkpoints");
    sourceAudit = createAudit({ db: source, keyring, clock: systemClock, batchWindowMs: 0, checkpoints: checkpointsIn(oldFolder) });
    await recordSome(sourceAudit, 1, 10);
    await recordSome(sourceAudit, 11, 12);
    const file = path.join(dir, archiveFileName(new Date()));
    await backupDatabase({ db: source, kms, signingKey, file });
    archive = { file, archiveId: (await verifyArchive(file, signingKey)).header.archiveId };
    // The trail goes on after the backup; these checkpoints are lost with the node and stay in the old folder.
    await recordSome(sourceAudit, 13, 20);
    assert.equal((await sourceAudit.verify()).intact, true);
  });
  after(async () => {
    await sourceAudit.close();
    await source.close();
    for (const db of toClose) await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function restoredNode(folder: string, peerDirs: string[]): Promise<{ db: Database; audit: Audit }> {
    const db = await openTestDatabase();
    toClose.push(db);
    await restoreDatabase({ db, kms, signingKey, file: archive.file });
    const keyring = await createKeyring({ db, kms, clock: systemClock });
    const audit = createAudit({ db, keyring, clock: systemClock, batchWindowMs: 0, checkpoints: checkpointsIn(folder, peerDirs) });
    await audit.recordRestore(archive.archiveId, restoreEntry(archive.archiveId));
    return { db, audit };
  }

  it("verifies across the restore with a new folder and the old one named: the replaced trail's checkpoints are set aside", async () => {
    const { audit } = await restoredNode(path.join(dir, "new-checkpoints"), [oldFolder]);
    await recordSome(audit, 100, 104);
    const report = await audit.verify();
    assert.equal(report.intact, true, JSON.stringify(report));
    assert.equal(report.lastSeq, 18); // 12 restored, the restore's entry, five more
    assert.deepEqual(
      report.checkpointProblems.map((problem) => [problem.seq, problem.problem]),
      [[20, "superseded_by_restore"]],
    );
    await audit.close();
  });

  it("verifies across the restore when the node keeps exporting to the old folder", async () => {
    const { audit } = await restoredNode(oldFolder, []);
    const report = await audit.verify();
    assert.equal(report.intact, true, JSON.stringify(report));
    assert.deepEqual(
      report.checkpointProblems.map((problem) => problem.problem),
      ["superseded_by_restore"],
    );
    await audit.close();
  });

  it("still reports a checkpoint removed from the restored trail", async () => {
    const { db, audit } = await restoredNode(path.join(dir, "newer-checkpoints"), [oldFolder]);
    await sql`delete from audit_checkpoint where seq = 10`.execute(db.kysely);
    const report = await audit.verify();
    assert.equal(report.intact, false);
    assert.ok(report.checkpointProblems.some((problem) => problem.seq === 10 && problem.problem === "missing_from_database"));
    await audit.close();
  });

  it("drills the archive against the exported checkpoints: passes, checkpoints signed after the archive are newer, not removed", async () => {
    const report = await drillRestore({ kms, signingKey, file: archive.file, checkpoints: { exportDir: oldFolder, peerDirs: [] } });
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.equal(report.audit.checkpoints, 2);
  });

  it("fails the drill of an archive whose trail the exported checkpoints contradict, as verify would", async () => {
    // An insider deleted a checkpoint row before the backup: verify on the live node reports it, and so must the drill.
    await sql`delete from audit_checkpoint where seq = 12`.execute(source.kysely);
    const file = path.join(dir, archiveFileName(new Date(Date.now() + 60_000)));
    await backupDatabase({ db: source, kms, signingKey, file });
    assert.equal((await sourceAudit.verify()).intact, false);
    const report = await drillRestore({ kms, signingKey, file, checkpoints: { exportDir: oldFolder, peerDirs: [] } });
    assert.equal(report.ok, false);
    assert.ok(report.audit.problems.includes(`checkpoint 12 (checkpoint-000000000012.json): missing_from_database`), report.audit.problems.join("; "));
  });
});

// Issue item 4, several nodes: each node exporting to its own default folder. Verify on one node names the other's
// folder as unread until it is given; with it, the trail verifies.
describe(`audit checkpoints of two nodes in their own folders (${database})`, () => {
  it("asks for the other node's folder, and verifies with it", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "mamori-audit-folders-"));
    const db = await openTestDatabase();
    try {
      const keyring = await createKeyring({ db, kms: await openLocalKeyFile(path.join(dir, "master.key")), clock: systemClock });
      const [folderA, folderB] = [path.join(dir, "node-a"), path.join(dir, "node-b")];
      const nodeA = createAudit({ db, keyring, clock: systemClock, batchWindowMs: 0, checkpoints: checkpointsIn(folderA) });
      const nodeB = createAudit({ db, keyring, clock: systemClock, batchWindowMs: 0, checkpoints: checkpointsIn(folderB) });
      await recordSome(nodeA, 1, 5);
      await recordSome(nodeB, 6, 10);
      await recordSome(nodeA, 11, 12);
      const alone = await nodeA.verify();
      assert.equal(alone.intact, false);
      assert.deepEqual(alone.checkpointProblems.map((problem) => [problem.seq, problem.problem, problem.file]), [[10, "in_unread_folder", folderB]]);
      const withPeer = createAudit({ db, keyring, clock: systemClock, batchWindowMs: 0, checkpoints: checkpointsIn(folderA, [folderB]) });
      const report = await withPeer.verify();
      assert.equal(report.intact, true, JSON.stringify(report));
      assert.equal(report.checkpoints, 3);
      await Promise.all([nodeA.close(), nodeB.close(), withPeer.close()]);
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
