import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { sql } from "kysely";
import { genesisHash, linkHash } from "../src/audit/chain.js";
import { createAudit, type Audit } from "../src/audit/index.js";
import { createKeyring, openLocalKeyFile } from "../src/crypto/index.js";
import type { Database } from "../src/db/index.js";
import { loadConfig } from "../src/config/index.js";
import { createManualClock, systemClock } from "../src/kernel/index.js";

type ManualClock = ReturnType<typeof createManualClock>;
import { buildAuditEntry } from "../src/testing/builders.js";
import { openTestDatabase } from "../src/testing/test-database-handle.js";

// The tamper suite (LOG-2): an insider who can write the database's rows, but holds neither the KMS master key
// (so cannot sign) nor the exported checkpoint files, tries every way to change or remove the trail; verify must
// name the first affected entry each time. Then the same with the export folder writable too. Runs on PGlite, and
// on PostgreSQL with DATABASE_URL set.

interface Trail {
  db: Database;
  audit: Audit;
  clock: ManualClock;
  exportDir: string;
  /** Records entries n..m, one second apart on the clock. */
  record(from: number, to: number): Promise<void>;
}

const opened: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of opened) await close();
});

/** A fresh trail: `entries` entries signed by one checkpoint (files exported), then `unsigned` more after it. */
async function openTrail(options: { entries?: number; now?: string; retentionYears?: number } = {}): Promise<Trail> {
  const db = await openTestDatabase();
  const dir = await mkdtemp(path.join(os.tmpdir(), "mamori-tamper-"));
  const clock = createManualClock(new Date(options.now ?? "2026-03-10T09:00:00Z"));
  const keyring = await createKeyring({ db, kms: await openLocalKeyFile(path.join(dir, "master.key")), clock });
  const exportDir = path.join(dir, "checkpoints");
  const audit = createAudit({
    db,
    keyring,
    clock,
    batchWindowMs: 0,
    retentionYears: options.retentionYears ?? 5,
    checkpoints: { everyEntries: 1_000_000, everyMs: 3_600_000, exportDir },
  });
  opened.push(async () => {
    await audit.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });
  const trail: Trail = {
    db,
    audit,
    clock,
    exportDir,
    async record(from, to) {
      for (let n = from; n <= to; n += 1) {
        clock.advance(1_000);
        await audit.record(buildAuditEntry(n));
      }
    },
  };
  await audit.startRetention();
  await trail.record(1, options.entries ?? 10);
  await audit.checkpointNow();
  return trail;
}

type Row = { seq: number; entry: { at: string; action: string; [key: string]: unknown } };

async function rows(db: Database): Promise<Row[]> {
  return (await sql<Row>`select seq::int8 as seq, entry from audit_entry order by seq`.execute(db.kysely)).rows.map((row) => ({ seq: Number(row.seq), entry: row.entry }));
}

/**
 * The insider's strongest move on rows alone: replace the whole trail by `edit(entries)`, renumbered from `firstSeq`,
 * with every hash recomputed, recorded_at set to each entry's own time and the head moved, so the chain agrees with
 * itself everywhere.
 */
async function rewriteTrail(db: Database, edit: (entries: Row["entry"][]) => Row["entry"][], firstSeq = 1, firstPrevious: Buffer = genesisHash): Promise<void> {
  const entries = edit((await rows(db)).map((row) => row.entry));
  await sql`delete from audit_entry`.execute(db.kysely);
  let previous = firstPrevious;
  for (const [index, content] of entries.entries()) {
    const seq = firstSeq + index;
    const hash = linkHash(previous, seq, content);
    await sql`insert into audit_entry (seq, recorded_at, entry, prev_hash, hash) values (${seq}, ${content.at}, ${JSON.stringify(content)}, ${previous}, ${hash})`.execute(db.kysely);
    previous = hash;
  }
  await sql`update audit_chain_head set seq = ${firstSeq + entries.length - 1}, hash = ${previous}`.execute(db.kysely);
}

/** Appends an entry at the tail the way the writer would, hash and head included (anyone with the rows can). */
async function appendForged(db: Database, content: Row["entry"]): Promise<number> {
  const head = (await sql<{ seq: number; hash: Uint8Array }>`select seq::int8 as seq, hash from audit_chain_head`.execute(db.kysely)).rows[0]!;
  const seq = Number(head.seq) + 1;
  const previous = Buffer.from(head.hash);
  const hash = linkHash(previous, seq, content);
  await sql`insert into audit_entry (seq, recorded_at, entry, prev_hash, hash) values (${seq}, ${content.at}, ${JSON.stringify(content)}, ${previous}, ${hash})`.execute(db.kysely);
  await sql`update audit_chain_head set seq = ${seq}, hash = ${hash}`.execute(db.kysely);
  return seq;
}

async function hashAt(db: Database, seq: number): Promise<Buffer> {
  return Buffer.from((await sql<{ hash: Uint8Array }>`select hash from audit_entry where seq = ${seq}`.execute(db.kysely)).rows[0]!.hash);
}

const checkpointFile = (trail: Trail, seq: number) => path.join(trail.exportDir, `checkpoint-${String(seq).padStart(12, "0")}.json`);

describe(`audit tamper suite, database rows only (${process.env["DATABASE_URL"] ? "PostgreSQL" : "PGlite"})`, () => {
  it("reports an untouched trail intact", async () => {
    const trail = await openTrail();
    const report = await trail.audit.verify();
    assert.equal(report.intact, true, JSON.stringify(report));
    assert.equal(report.checked, 10);
  });

  it("update: an edited entry", async () => {
    const { db, audit } = await openTrail();
    await sql`update audit_entry set entry = jsonb_set(entry, '{outcome}', '"denied"') where seq = 4`.execute(db.kysely);
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 4, problem: "content_altered" });
  });

  it("update with recomputed hashes: the chain agrees with itself, not with the signed hashes", async () => {
    const { db, audit } = await openTrail();
    await rewriteTrail(db, (entries) => entries.map((content, index) => (index === 3 ? { ...content, outcome: "denied" } : content)));
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 4, problem: "differs_from_checkpoint" });
  });

  it("delete: one entry from the middle", async () => {
    const { db, audit } = await openTrail();
    await sql`delete from audit_entry where seq = 6`.execute(db.kysely);
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 6, problem: "entries_missing" });
  });

  it("delete with renumbering and recomputed hashes", async () => {
    const { db, audit } = await openTrail();
    await rewriteTrail(db, (entries) => entries.filter((_, index) => index !== 5));
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 6, problem: "differs_from_checkpoint" });
  });

  it("delete: a prefix of the trail, with no purge at all", async () => {
    const { db, audit } = await openTrail();
    await sql`delete from audit_entry where seq <= 4`.execute(db.kysely);
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 1, problem: "entries_missing" });
  });

  it("insert: an entry slipped in with recomputed hashes", async () => {
    const { db, audit } = await openTrail();
    await rewriteTrail(db, (entries) => [...entries.slice(0, 2), { ...entries[2]!, action: "auth.sign_in" }, ...entries.slice(2)]);
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 3, problem: "differs_from_checkpoint" });
  });

  it("reorder: two entries swap places", async () => {
    const { db, audit } = await openTrail();
    await sql`update audit_entry set seq = case seq when 3 then 5 when 5 then 3 end where seq in (3, 5)`.execute(db.kysely);
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 3, problem: "chain_broken" });
  });

  it("reorder with recomputed hashes", async () => {
    const { db, audit } = await openTrail();
    await rewriteTrail(db, (entries) => [entries[0]!, entries[2]!, entries[1]!, ...entries.slice(3)]);
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 2, problem: "differs_from_checkpoint" });
  });

  it("truncate: every entry gone and the head reset", async () => {
    const { db, audit } = await openTrail();
    await sql`delete from audit_entry`.execute(db.kysely);
    await sql`update audit_chain_head set seq = 0, hash = ${genesisHash}`.execute(db.kysely);
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 1, problem: "tail_missing" });
  });

  it("moved time: recorded_at, outside the hash, moved back six years", async () => {
    const { db, audit } = await openTrail();
    await sql`update audit_entry set recorded_at = recorded_at - interval '6 years' where seq >= 7`.execute(db.kysely);
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 7, problem: "time_moved" });
  });

  // Issue item 1(a): a forged retention purge. An anchor row at a signed seq, the entries up to it deleted and a
  // purge record appended at the tail: no signed floor covers the gap.
  it("forged anchor: a purge made up in rows, even once the service has signed the forged tail", async () => {
    const { db, audit } = await openTrail();
    const anchorHash = await hashAt(db, 6);
    await sql`insert into audit_retention (purged_through_seq, anchor_hash, purged_at, cutoff) values (6, ${anchorHash}, now(), now())`.execute(db.kysely);
    await sql`delete from audit_entry where seq <= 6`.execute(db.kysely);
    const last = (await rows(db)).at(-1)!.entry;
    await appendForged(db, {
      ...last,
      action: "audit.retention_purge",
      outcome: "success",
      reasonCode: "audit.retention_expired",
      actor: {},
      resource: { type: "AuditEntry", id: "1-6" },
      network: { ip: "127.0.0.1", userAgent: "mamori-retention" },
      at: new Date(Date.parse(last.at) + 1_000).toISOString(),
    });
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 1, problem: "entries_missing" });
    await audit.checkpointNow(); // the forged tail links up, so the service signs it: the gap stays unsigned
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 1, problem: "entries_missing" });
  });

  // Issue item 1(b): laundering through the real purge. Minutes-old entries with recorded_at moved back six years
  // are not expired: the purge reads the time inside the hash.
  it("moved time: the service's own retention purge deletes nothing it should keep", async () => {
    const { db, audit } = await openTrail();
    await sql`update audit_entry set recorded_at = recorded_at - interval '6 years' where seq <= 8`.execute(db.kysely);
    assert.equal(await audit.purgeExpired(), undefined);
    assert.equal((await rows(db)).length, 10);
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 1, problem: "time_moved" });
  });

  it("moved time inside the hash: rewritten times with recomputed hashes make the purge refuse, not delete", async () => {
    const { db, audit } = await openTrail();
    await rewriteTrail(db, (entries) => entries.map((content, index) => (index < 8 ? { ...content, at: new Date(Date.parse(content.at) - 6 * 366 * 86_400_000).toISOString() } : content)));
    await assert.rejects(audit.purgeExpired(), { name: "UnverifiableSegmentError" });
    assert.equal((await rows(db)).length, 10);
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 1, problem: "differs_from_checkpoint" });
  });

  it("forged anchor on a signed floor: a real purge's floor cannot be moved up by rows", async () => {
    const trail = await openTrail({ now: "2020-01-15T09:00:00Z" });
    trail.clock.advance(6 * 366 * 86_400_000);
    await trail.record(11, 14);
    const purged = await trail.audit.purgeExpired();
    assert.equal(purged?.purgedThroughSeq, 10);
    assert.equal((await trail.audit.verify()).intact, true);
    // The insider moves the floor on to 12: a second anchor row, entries 11 and 12 deleted.
    await sql`insert into audit_retention (purged_through_seq, anchor_hash, purged_at, cutoff) values (12, ${await hashAt(trail.db, 12)}, now(), now())`.execute(trail.db.kysely);
    await sql`delete from audit_entry where seq <= 12`.execute(trail.db.kysely);
    assert.deepEqual((await trail.audit.verify()).firstBroken, { seq: 11, problem: "entries_missing" });
  });

  it("forged anchor: an altered anchor row names no signed floor", async () => {
    const trail = await openTrail({ now: "2020-01-15T09:00:00Z" });
    trail.clock.advance(6 * 366 * 86_400_000);
    await trail.record(11, 12);
    await trail.audit.purgeExpired();
    await sql`update audit_retention set anchor_hash = sha256(anchor_hash)`.execute(trail.db.kysely);
    assert.deepEqual((await trail.audit.verify()).firstBroken, { seq: 10, problem: "anchor_unverified" });
  });

  it("forged checkpoint row: a floor written into a stored checkpoint breaks its signature", async () => {
    const { db, audit } = await openTrail();
    await sql`update audit_checkpoint set floor_seq = 6, floor_hash = ${await hashAt(db, 6)}`.execute(db.kysely);
    const report = await audit.verify();
    assert.equal(report.intact, false);
    assert.deepEqual(report.checkpointProblems.map((problem) => [problem.seq, problem.problem]), [[10, "signature_invalid"]]);
  });

  it("forged restore: a checkpoint row marked as a restore, to set later files aside, breaks its signature", async () => {
    const { db, audit } = await openTrail();
    await sql`update audit_checkpoint set restored_archive = 'forged'`.execute(db.kysely);
    const report = await audit.verify();
    assert.equal(report.intact, false);
    assert.deepEqual(report.checkpointProblems.map((problem) => [problem.seq, problem.problem]), [[10, "signature_invalid"]]);
  });

  it("planted future checkpoint: a row beyond the chain head is refused at once instead of freezing signing", async () => {
    const { db, audit, record } = await openTrail();
    // A copy of the latest checkpoint moved a million entries ahead: without the key its signature cannot match.
    await sql`insert into audit_checkpoint (seq, from_seq, chain_hash, entry_hashes, signed_at, key_id, signature)
              select seq + 1000000, from_seq, chain_hash, entry_hashes, now(), key_id, signature from audit_checkpoint where seq = 10`.execute(db.kysely);
    await record(11, 13);
    await assert.rejects(audit.checkpointNow(), (error: Error) => error.name === "UnverifiableCheckpointError");
    // Once the row is gone again, signing resumes over entries the insider could have rewritten meanwhile: verify
    // still holds them to their hashes only through the next signature, so the refusal above must be loud (logged
    // by the service on every tick) rather than a quiet idle tick.
    await sql`delete from audit_checkpoint where seq > 1000000`.execute(db.kysely);
    await audit.checkpointNow();
    assert.equal((await audit.verify()).intact, true);
  });

  it("deleted checkpoint row: its exported file still tells", async () => {
    const { db, audit } = await openTrail();
    await sql`delete from audit_checkpoint`.execute(db.kysely);
    const report = await audit.verify();
    assert.deepEqual(report.checkpointProblems.map((problem) => [problem.seq, problem.problem]), [[10, "missing_from_database"]]);
  });

  it("deleted signing key and checkpoint rows: the exported checkpoint can no longer be trusted, and verify says so", async () => {
    const { db, audit } = await openTrail();
    await sql`delete from audit_checkpoint`.execute(db.kysely);
    // The signed Merkle tree heads name the key too: an insider removing the key removes them first.
    await sql`delete from audit_tree_head`.execute(db.kysely);
    await sql`delete from audit_signing_key`.execute(db.kysely);
    const report = await audit.verify();
    assert.equal(report.intact, false);
    assert.ok(report.checkpointProblems.some((problem) => problem.seq === 10 && problem.problem === "signature_invalid"));
  });
});

describe(`audit tamper suite, database rows and exported files (${process.env["DATABASE_URL"] ? "PostgreSQL" : "PGlite"})`, () => {
  // Issue item 3: the latest checkpoint removed, row and file, with the entries left in place.
  it("a removed latest checkpoint (row and file) is reported from the export folder's head", async () => {
    const trail = await openTrail();
    await trail.record(11, 15);
    await trail.audit.checkpointNow();
    await sql`delete from audit_checkpoint where seq = 15`.execute(trail.db.kysely);
    await rm(checkpointFile(trail, 15));
    const report = await trail.audit.verify();
    assert.equal(report.intact, false);
    assert.deepEqual(report.checkpointProblems.map((problem) => [problem.seq, problem.problem]), [[15, "latest_removed"]]);
  });

  it("a removed middle checkpoint (row and file) breaks the chain of digests at its successor", async () => {
    const trail = await openTrail();
    await trail.record(11, 15);
    await trail.audit.checkpointNow();
    await trail.record(16, 20);
    await trail.audit.checkpointNow();
    await sql`delete from audit_checkpoint where seq = 15`.execute(trail.db.kysely);
    await rm(checkpointFile(trail, 15));
    const report = await trail.audit.verify();
    assert.deepEqual(report.checkpointProblems.map((problem) => [problem.seq, problem.problem]), [
      [11, "missing"],
      [20, "unchained"],
    ]);
  });

  it("a replaced checkpoint file with a forged floor fails its signature", async () => {
    const trail = await openTrail();
    const file = checkpointFile(trail, 10);
    const content = JSON.parse(await readFile(file, "utf8")) as { floorSeq: number; floorHash: string };
    await rm(file);
    await writeFile(file, JSON.stringify({ ...content, floorSeq: 4, floorHash: (await hashAt(trail.db, 4)).toString("hex") }));
    const report = await trail.audit.verify();
    assert.deepEqual(report.checkpointProblems.map((problem) => [problem.seq, problem.problem]), [[10, "signature_invalid"]]);
  });
});

// Issue item 5: what no checkpoint covers yet is open to a database insider, so the service signs every few seconds
// under its default settings, and once more at shutdown.
describe(`the unprotected window under the default settings (${process.env["DATABASE_URL"] ? "PostgreSQL" : "PGlite"})`, () => {
  it("signs new entries within the default interval while running, and the rest at shutdown", async () => {
    const db = await openTestDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), "mamori-window-"));
    try {
      const config = loadConfig({ MAMORI_DATA_DIR: dir });
      const keyring = await createKeyring({ db, kms: await openLocalKeyFile(path.join(dir, "master.key")), clock: systemClock });
      const audit = createAudit({ db, keyring, clock: systemClock, batchWindowMs: 0, checkpoints: config.audit.checkpoints });
      audit.startCheckpoints();
      const started = Date.now();
      for (let n = 1; n <= 3; n += 1) await audit.record(buildAuditEntry(n));
      const signedThrough = async () => Number((await sql<{ seq: number | null }>`select max(seq)::int8 as seq from audit_checkpoint`.execute(db.kysely)).rows[0]!.seq ?? 0);
      let signed = 0;
      // A few seconds, whatever the setting says: 5 s and a margin for a loaded machine.
      while (signed < 3 && Date.now() - started < 8_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        signed = await signedThrough();
      }
      assert.equal(signed, 3, "signed within a few seconds");
      for (let n = 4; n <= 5; n += 1) await audit.record(buildAuditEntry(n));
      await audit.close();
      assert.equal(await signedThrough(), 5);
      assert.equal((await audit.verify()).intact, true);
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
