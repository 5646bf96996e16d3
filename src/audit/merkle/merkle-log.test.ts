import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createKeyring, openLocalKeyFile } from "../../crypto/index.js";
import type { Database } from "../../db/index.js";
import { createManualClock } from "../../kernel/index.js";
import { buildAuditEntry, openTestDatabase } from "../../testing/index.js";
import { createAudit, type Audit } from "../index.js";
import { trustedDatabaseKeys } from "../signing-key.js";
import { createMerkleLog, type MerkleLog } from "./merkle-log.js";
import { leafHash, subtreeHashFrom, verifyConsistency, verifyInclusion } from "./tree.js";
import { isTreeHeadSignatureValid, type TreeHead } from "./tree-head.js";

// Tree heads signed beside checkpoints, over more entries than one cached block (256 leaves), so proofs mix cached
// block roots with leaf hashes; then a retention purge removes the oldest entries and every proof still holds.
describe("audit Merkle log", () => {
  const clock = createManualClock(new Date("2019-01-15T09:00:00Z"));
  let db: Database;
  let dir: string;
  let audit: Audit;
  let log: MerkleLog;
  const heads: TreeHead[] = [];
  before(async () => {
    db = await openTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), "mamori-merkle-"));
    const keyring = await createKeyring({ db, kms: await openLocalKeyFile(path.join(dir, "master.key")), clock });
    audit = createAudit({ db, keyring, clock, batchWindowMs: 0, retentionYears: 5, checkpoints: { everyEntries: 1_000_000, everyMs: 3_600_000, exportDir: undefined } });
    await audit.startRetention();
    log = createMerkleLog({ db, clock });
    // Checkpoints of uneven sizes: 300 (a block and a part), 213 (ends exactly on block 2), 1, 250.
    for (const count of [300, 213, 1, 250]) {
      await Promise.all(Array.from({ length: count }, (_, n) => audit.record(buildAuditEntry(n))));
      await audit.checkpointNow();
      heads.push((await log.latestTreeHead())!);
    }
  });
  after(async () => {
    await audit.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function entryHashes(): Promise<Buffer[]> {
    const rows = await sql<{ hash: Uint8Array }>`select hash from audit_entry order by seq`.execute(db.kysely);
    return rows.rows.map((row) => Buffer.from(row.hash));
  }

  it("signs one tree head per checkpoint whose root is the RFC 6962 hash of the entries' chain hashes", async () => {
    assert.deepEqual(heads.map((head) => head.treeSize), [300, 513, 514, 764]);
    const hashes = await entryHashes();
    const reference = subtreeHashFrom((i) => leafHash(hashes[i]!));
    const keys = await trustedDatabaseKeys({ db, keyring: await createKeyring({ db, kms: await openLocalKeyFile(path.join(dir, "master.key")), clock }) });
    for (const head of heads) {
      assert.deepEqual(head.rootHash, reference(0, head.treeSize));
      assert.equal(isTreeHeadSignatureValid(head, keys.get(head.keyId)!), true);
      assert.equal(isTreeHeadSignatureValid({ ...head, treeSize: head.treeSize + 1 }, keys.get(head.keyId)!), false);
    }
    const blocks = await sql<{ n: number }>`select count(*)::int as n from audit_merkle_block`.execute(db.kysely);
    assert.equal(blocks.rows[0]!.n, 2);
  });

  it("proves every entry's inclusion in every tree head that covers it, and no other entry at its place", async () => {
    const hashes = await entryHashes();
    for (const head of heads) {
      for (const seq of [1, 2, 255, 256, 257, 300, 511, 512, 513, 514, 700, 764].filter((candidate) => candidate <= head.treeSize)) {
        const proof = await log.inclusionProof(seq, head.treeSize);
        assert.equal(verifyInclusion(seq - 1, head.treeSize, leafHash(hashes[seq - 1]!), proof, head.rootHash), true, `seq ${seq} in ${head.treeSize}`);
        assert.equal(verifyInclusion(seq - 1, head.treeSize, leafHash(hashes[seq % head.treeSize]!), proof, head.rootHash), false);
      }
    }
  });

  it("proves each tree head consistent with every earlier one", async () => {
    for (const [i, first] of heads.entries()) {
      for (const second of heads.slice(i)) {
        const proof = await log.consistencyProof(first.treeSize, second.treeSize);
        assert.equal(verifyConsistency(first.treeSize, second.treeSize, first.rootHash, second.rootHash, proof), true);
      }
    }
  });

  it("keeps proving purged entries and their neighbours from the signed checkpoint hashes after a retention purge", async () => {
    const hashes = await entryHashes();
    clock.advance(6 * 365 * 86_400_000);
    const purged = await audit.purgeExpired();
    assert.equal(purged?.purgedThroughSeq, 764);
    const remaining = await sql<{ n: number }>`select count(*)::int as n from audit_entry`.execute(db.kysely);
    assert.equal(remaining.rows[0]!.n, 1);
    const latest = (await log.latestTreeHead())!;
    assert.equal(latest.treeSize, 765);
    for (const seq of [1, 300, 764]) {
      assert.equal(verifyInclusion(seq - 1, latest.treeSize, leafHash(hashes[seq - 1]!), await log.inclusionProof(seq, latest.treeSize), latest.rootHash), true);
    }
    assert.equal(verifyConsistency(heads[0]!.treeSize, latest.treeSize, heads[0]!.rootHash, latest.rootHash, await log.consistencyProof(heads[0]!.treeSize, latest.treeSize)), true);
  });
});

// A database writer who alters a cached block root (to drop entries from future tree heads) or plants the next
// block's root before it is computed gets no tree head signed over it.
describe("audit Merkle log against an altered block cache", () => {
  const clock = createManualClock(new Date("2019-01-15T09:00:00Z"));
  let db: Database;
  let dir: string;
  let audit: Audit;
  before(async () => {
    db = await openTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), "mamori-merkle-"));
    const keyring = await createKeyring({ db, kms: await openLocalKeyFile(path.join(dir, "master.key")), clock });
    audit = createAudit({ db, keyring, clock, batchWindowMs: 0, checkpoints: { everyEntries: 1_000_000, everyMs: 3_600_000, exportDir: undefined } });
    await Promise.all(Array.from({ length: 300 }, (_, n) => audit.record(buildAuditEntry(n))));
    await audit.checkpointNow();
  });
  after(async () => {
    await audit.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const headSizes = async () => (await sql<{ tree_size: number }>`select tree_size from audit_tree_head order by tree_size`.execute(db.kysely)).rows.map((row) => Number(row.tree_size));

  it("refuses to sign a tree head that does not extend the last one when a cached block root was altered", async () => {
    assert.deepEqual(await headSizes(), [300]);
    await sql`update audit_merkle_block set hash = ${Buffer.alloc(32, 7)} where block_index = 0`.execute(db.kysely);
    await Promise.all(Array.from({ length: 10 }, (_, n) => audit.record(buildAuditEntry(n))));
    await assert.rejects(audit.checkpointNow(), { name: "InconsistentTreeError" });
    assert.deepEqual(await headSizes(), [300]);
  });

  it("refuses a block root planted before the first tree head, and one planted past the last head", async () => {
    await sql`delete from audit_tree_head`.execute(db.kysely);
    await sql`update audit_merkle_block set hash = ${Buffer.alloc(32, 9)} where block_index = 0`.execute(db.kysely);
    await Promise.all(Array.from({ length: 10 }, (_, n) => audit.record(buildAuditEntry(n))));
    await assert.rejects(audit.checkpointNow(), /differ from the signed checkpoints/);
    assert.deepEqual(await headSizes(), []);

    await sql`delete from audit_merkle_block`.execute(db.kysely);
    await Promise.all(Array.from({ length: 10 }, (_, n) => audit.record(buildAuditEntry(n))));
    await audit.checkpointNow();
    assert.deepEqual(await headSizes(), [330]);
    // Block 1 (entries 257..512) is not complete yet: its root planted now waits for the entries that complete it.
    await sql`insert into audit_merkle_block (block_index, hash) values (1, ${Buffer.alloc(32, 9)})`.execute(db.kysely);
    await Promise.all(Array.from({ length: 200 }, (_, n) => audit.record(buildAuditEntry(n))));
    await assert.rejects(audit.checkpointNow(), /differ from the signed checkpoints/);
    assert.deepEqual(await headSizes(), [330]);
  });
});
