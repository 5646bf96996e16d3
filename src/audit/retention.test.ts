import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createKeyring, openLocalKeyFile } from "../crypto/index.js";
import type { Database } from "../db/index.js";
import { createManualClock } from "../kernel/index.js";
import { buildAuditEntry } from "../testing/builders.js";
import { openTestDatabase } from "../testing/test-database-handle.js";
import { createAudit, type Audit } from "./index.js";

const entry = buildAuditEntry;

// 保存性 and LOG-2: entries are kept for the retention period, then deleted deliberately; the deletion is
// itself audited and checkpointed, and the remaining chain still verifies.
describe("audit retention", () => {
  const clock = createManualClock(new Date("2019-01-15T09:00:00Z"));
  let db: Database;
  let dir: string;
  let audit: Audit;
  before(async () => {
    db = await openTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), "mamori-retention-"));
    const keyring = await createKeyring({ db, kms: await openLocalKeyFile(path.join(dir, "master.key")), clock });
    audit = createAudit({
      db,
      keyring,
      clock,
      batchWindowMs: 0,
      retentionYears: 5,
      checkpoints: { everyEntries: 1_000_000, everyMs: 3_600_000, exportDir: path.join(dir, "checkpoints") },
    });
    await audit.startRetention();
    for (let n = 1; n <= 10; n += 1) await audit.record(entry(n));
    await audit.checkpointNow();
  });
  after(async () => {
    await audit.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("stores entries in monthly partitions", async () => {
    const rows = await sql<{ n: number }>`select count(*)::int8 as n from audit_entry_y2019m01`.execute(db.kysely);
    assert.equal(rows.rows[0]!.n, 10);
  });

  it("keeps entries younger than the retention period", async () => {
    clock.advance(4 * 365 * 86_400_000);
    assert.equal(await audit.purgeExpired(), undefined);
    assert.equal((await audit.verify()).checked, 10);
  });

  it("deletes entries past the retention period, drops their month, audits and checkpoints the deletion", async () => {
    clock.advance(2 * 365 * 86_400_000); // now early 2025: January 2019 is past five years
    await audit.startRetention();
    for (let n = 11; n <= 15; n += 1) await audit.record(entry(n));
    const result = await audit.purgeExpired();
    assert.deepEqual(result, { purgedThroughSeq: 10, deletedEntries: 10, droppedPartitions: ["audit_entry_y2019m01", "audit_entry_y2019m02", "audit_entry_y2019m03"] });

    const report = await audit.verify();
    assert.equal(report.intact, true, JSON.stringify(report));
    assert.equal(report.checked, 6);
    assert.equal(report.lastSeq, 16);
    const purge = await sql<{ entry: { action: string; resource: { id: string } } }>`select entry from audit_entry where seq = 16`.execute(db.kysely);
    assert.deepEqual([purge.rows[0]!.entry.action, purge.rows[0]!.entry.resource.id], ["audit.retention_purge", "1-10"]);
    const signed = await sql<{ seq: number }>`select max(seq)::int8 as seq from audit_checkpoint`.execute(db.kysely);
    assert.equal(signed.rows[0]!.seq, 16);
  });

  it("finds an altered starting point left by a purge", async () => {
    await sql`update audit_retention set anchor_hash = sha256(anchor_hash)`.execute(db.kysely);
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 10, problem: "anchor_unverified" });
    await sql`update audit_retention set anchor_hash = (select chain_hash from audit_checkpoint where seq = 10)`.execute(db.kysely);
    assert.equal((await audit.verify()).intact, true);
  });

  it("finds recent entries deleted behind a forged purge record", async () => {
    const hashAt12 = await sql<{ hash: Uint8Array }>`select hash from audit_entry where seq = 12`.execute(db.kysely);
    await sql`delete from audit_entry where seq in (11, 12)`.execute(db.kysely);
    await sql`insert into audit_retention (purged_through_seq, anchor_hash, purged_at, cutoff) values (12, ${Buffer.from(hashAt12.rows[0]!.hash)}, now(), now())`.execute(db.kysely);
    // The trail starts at the signed floor (10): the first affected entry is 11.
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 11, problem: "entries_missing" });
  });
});
