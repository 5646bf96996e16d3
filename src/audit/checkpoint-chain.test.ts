import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { sql } from "kysely";
import { createKeyring, openLocalKeyFile } from "../crypto/index.js";
import { createManualClock } from "../kernel/index.js";
import { buildAuditEntry } from "../testing/builders.js";
import { openTestDatabase } from "../testing/test-database-handle.js";
import { checkpointDigest, signCheckpoint, splitEntryHashes, type Checkpoint } from "./checkpoint.js";
import { exportCheckpoint } from "./checkpoint-export.js";
import { createCheckpointStore } from "./checkpoint-store.js";
import { createAudit } from "./index.js";
import { loadSigningKey } from "./signing-key.js";

/** A trail of ten entries whose only checkpoint is one signed the way it was before checkpoints were chained (v1). */
async function trailWithV1Checkpoint() {
  const db = await openTestDatabase();
  const dir = await mkdtemp(path.join(os.tmpdir(), "mamori-chain-"));
  const clock = createManualClock();
  const keyring = await createKeyring({ db, kms: await openLocalKeyFile(path.join(dir, "master.key")), clock });
  const exportDir = path.join(dir, "checkpoints");
  const witnessed: Array<{ seq: number; digest: string }> = [];
  const audit = createAudit({
    db,
    keyring,
    clock,
    batchWindowMs: 0,
    checkpoints: { everyEntries: 1_000_000, everyMs: 3_600_000, exportDir },
    onCheckpoint: (signed) => witnessed.push(signed),
  });
  for (let n = 1; n <= 10; n += 1) await audit.record(buildAuditEntry(n));
  const key = await loadSigningKey({ db, keyring, clock });
  const rows = await sql<{ hash: Uint8Array }>`select hash from audit_entry order by seq`.execute(db.kysely);
  const entryHashes = splitEntryHashes(Buffer.concat(rows.rows.map((row) => Buffer.from(row.hash))));
  const v1: Checkpoint = signCheckpoint({ seq: 10, fromSeq: 1, chainHash: entryHashes.at(-1)!, entryHashes, signedAt: clock.now().toISOString(), keyId: key.id }, key.privateKey);
  const store = createCheckpointStore(db.kysely);
  await store.insertCheckpoint(v1);
  await exportCheckpoint(exportDir, v1, key.publicKeyDer);
  await store.markExported(10, clock.now(), exportDir);
  return {
    db,
    audit,
    v1,
    exportDir,
    witnessed,
    async close() {
      await audit.close();
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe("chained checkpoints", () => {
  it("chain on from a checkpoint signed before chaining: the first chained one names its digest, and verify accepts both", async () => {
    const trail = await trailWithV1Checkpoint();
    try {
      assert.match(await readFile(path.join(trail.exportDir, "checkpoint-000000000010.json"), "utf8"), /mamori-audit-checkpoint-v1/);
      for (let n = 11; n <= 13; n += 1) await trail.audit.record(buildAuditEntry(n));
      await trail.audit.checkpointNow();
      const latest = (await createCheckpointStore(trail.db.kysely).lastCheckpoint())!;
      assert.deepEqual([latest.fromSeq, latest.previous?.equals(checkpointDigest(trail.v1)), latest.floor?.seq], [11, true, 0]);
      const report = await trail.audit.verify();
      assert.equal(report.intact, true, JSON.stringify(report));
      assert.equal(report.checkpoints, 2);
    } finally {
      await trail.close();
    }
  });

  it("adopts a purge anchor left before chaining as the floor of the first chained checkpoint", async () => {
    const trail = await trailWithV1Checkpoint();
    try {
      // A purge as it was done before chaining: anchor row, prefix deleted, the purge recorded.
      const hashAt5 = await sql<{ hash: Uint8Array }>`select hash from audit_entry where seq = 5`.execute(trail.db.kysely);
      await sql`insert into audit_retention (purged_through_seq, anchor_hash, purged_at, cutoff) values (5, ${Buffer.from(hashAt5.rows[0]!.hash)}, now(), now())`.execute(trail.db.kysely);
      await sql`delete from audit_entry where seq <= 5`.execute(trail.db.kysely);
      await trail.audit.record({ ...buildAuditEntry(11), action: "audit.retention_purge", resource: { type: "AuditEntry", id: "1-5" } });
      await trail.audit.checkpointNow();
      const latest = (await createCheckpointStore(trail.db.kysely).lastCheckpoint())!;
      assert.equal(latest.floor?.seq, 5);
      const report = await trail.audit.verify();
      assert.equal(report.intact, true, JSON.stringify(report));
      assert.equal(report.checked, 6);
    } finally {
      await trail.close();
    }
  });

  it("refuses to adopt a pre-chaining anchor that no checkpoint signed: the first chained checkpoint is not made", async () => {
    const trail = await trailWithV1Checkpoint();
    try {
      await sql`insert into audit_retention (purged_through_seq, anchor_hash, purged_at, cutoff) values (5, ${Buffer.alloc(32, 7)}, now(), now())`.execute(trail.db.kysely);
      await trail.audit.record(buildAuditEntry(11));
      await assert.rejects(trail.audit.checkpointNow(), { name: "UnverifiableSegmentError" });
      assert.equal((await createCheckpointStore(trail.db.kysely).lastCheckpoint())?.seq, 10);
    } finally {
      await trail.close();
    }
  });

  it("tells the witness each checkpoint's digest, the one the folder's head record names", async () => {
    const trail = await trailWithV1Checkpoint();
    try {
      await trail.audit.record(buildAuditEntry(11));
      await trail.audit.checkpointNow();
      const head = JSON.parse(await readFile(path.join(trail.exportDir, "checkpoint-head.json"), "utf8")) as { seq: number; digest: string };
      assert.deepEqual(trail.witnessed, [{ seq: head.seq, digest: head.digest }]);
      assert.equal(head.seq, 11);
    } finally {
      await trail.close();
    }
  });
});
