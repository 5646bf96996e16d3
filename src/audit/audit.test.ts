import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import { sql } from "kysely";
import { createKeyring, openLocalKeyFile, type Keyring } from "../crypto/index.js";
import type { Database } from "../db/index.js";
import { createManualClock } from "../kernel/index.js";
import { buildAuditEntry } from "../testing/builders.js";
import { openTestDatabase } from "../testing/test-database-handle.js";
import { linkHash, genesisHash } from "./chain.js";
import { checkpointFromFile, checkpointToFile, signCheckpoint } from "./checkpoint.js";
import { createAudit, type Audit } from "./index.js";
import { exportCheckpoint } from "./checkpoint-export.js";
import { createCheckpointStore } from "./checkpoint-store.js";

const entry = buildAuditEntry;

// LOG-2: the trail is tamper-evident; verify names the first broken entry.
describe("audit trail", () => {
  let db: Database;
  let keyring: Keyring;
  let dir: string;
  let exportDir: string;
  let audit: Audit;
  before(async () => {
    db = await openTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), "mamori-audit-"));
    keyring = await createKeyring({ db, kms: await openLocalKeyFile(path.join(dir, "master.key")), clock: createManualClock() });
  });
  // Each test starts from a fresh ten-entry chain: the trail is emptied the only way possible, by hand in SQL.
  beforeEach(async () => {
    await sql`delete from audit_entry`.execute(db.kysely);
    await sql`delete from audit_checkpoint`.execute(db.kysely);
    await sql`update audit_chain_head set seq = 0, hash = decode(repeat('00', 32), 'hex')`.execute(db.kysely);
    exportDir = await mkdtemp(path.join(dir, "export-"));
    audit = createAudit({ db, keyring, clock: createManualClock(), batchWindowMs: 2, checkpoints: { everyEntries: 1_000_000, everyMs: 3_600_000, exportDir } });
    for (let n = 1; n <= 10; n += 1) await audit.record(entry(n));
  });
  after(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const firstBroken = async () => (await audit.verify()).firstBroken;

  it("reports an untouched chain intact", async () => {
    const report = await audit.verify();
    assert.deepEqual([report.intact, report.checked, report.lastSeq, report.checkpointProblems], [true, 10, 10, []]);
  });

  it("commits concurrent entries together and keeps every one", async () => {
    const seqs = await Promise.all(Array.from({ length: 50 }, (_, i) => audit.record(entry(100 + i))));
    assert.deepEqual([...seqs].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => 11 + i));
    const batches = await sql<{ n: number }>`select count(distinct recorded_at)::int8 as n from audit_entry where seq > 10`.execute(db.kysely);
    assert.ok(batches.rows[0]!.n < 50, "entries from concurrent callers share commits");
    assert.equal((await audit.verify()).intact, true);
  });

  it("finds an edited entry", async () => {
    await sql`update audit_entry set entry = jsonb_set(entry, '{outcome}', '"denied"') where seq = 4`.execute(db.kysely);
    assert.deepEqual(await firstBroken(), { seq: 4, problem: "content_altered" });
  });

  it("finds an entry whose content and hash were both rewritten", async () => {
    await sql`update audit_entry set entry = jsonb_set(entry, '{outcome}', '"denied"'), hash = sha256(hash) where seq = 6`.execute(db.kysely);
    assert.equal((await firstBroken())?.seq, 6);
  });

  it("finds a deleted entry", async () => {
    await sql`delete from audit_entry where seq = 7`.execute(db.kysely);
    assert.deepEqual(await firstBroken(), { seq: 7, problem: "entries_missing" });
  });

  it("finds reordered entries", async () => {
    await sql`update audit_entry set seq = case seq when 3 then -5 when 5 then 3 end where seq in (3, 5)`.execute(db.kysely);
    await sql`update audit_entry set seq = 5 where seq = -5`.execute(db.kysely);
    assert.deepEqual(await firstBroken(), { seq: 3, problem: "chain_broken" });
  });

  it("finds swapped contents between two entries", async () => {
    await sql`update audit_entry a set entry = b.entry from audit_entry b where (a.seq, b.seq) in ((2, 8), (8, 2))`.execute(db.kysely);
    assert.deepEqual(await firstBroken(), { seq: 2, problem: "content_altered" });
  });

  it("finds a truncated tail", async () => {
    await sql`delete from audit_entry where seq > 8`.execute(db.kysely);
    assert.deepEqual(await firstBroken(), { seq: 9, problem: "tail_missing" });
  });

  it("reports progress while verifying", async () => {
    const seen: Array<[number, number]> = [];
    await audit.verify((checked, total) => seen.push([checked, total]));
    assert.deepEqual(seen.at(-1), [10, 10]);
  });

  it("rolls an in-transaction entry back with the change it describes", async () => {
    await assert.rejects(
      db.kysely.transaction().execute(async (trx) => {
        await audit.recordWithin(trx, entry(999));
        throw new Error("the change failed");
      }),
    );
    assert.deepEqual((await audit.verify()).lastSeq, 10);
  });

  describe("with signed checkpoints", () => {
    // An attacker with write access to the database rewrites entries and recomputes every later hash and the
    // head, so the chain agrees with itself; only the signed checkpoint can tell.
    async function rewriteChain(edit: (entries: unknown[]) => unknown[]): Promise<void> {
      const rows = await sql<{ entry: unknown }>`select entry from audit_entry order by seq`.execute(db.kysely);
      const entries = edit(rows.rows.map((row) => row.entry));
      await sql`delete from audit_entry`.execute(db.kysely);
      let previous: Buffer = genesisHash;
      for (const [index, content] of entries.entries()) {
        const seq = index + 1;
        const hash = linkHash(previous, seq, content);
        await sql`insert into audit_entry (seq, recorded_at, entry, prev_hash, hash) values (${seq}, ${(content as { at: string }).at}, ${JSON.stringify(content)}, ${previous}, ${hash})`.execute(db.kysely);
        previous = hash;
      }
      await sql`update audit_chain_head set seq = ${entries.length}, hash = ${previous}`.execute(db.kysely);
    }

    beforeEach(async () => {
      await audit.checkpointNow(); // covers 1..10
      for (let n = 11; n <= 15; n += 1) await audit.record(entry(n));
    });

    it("exports each checkpoint as a signed file and verifies intact", async () => {
      const files = await readdir(exportDir);
      assert.deepEqual(files, ["checkpoint-000000000010.json", "checkpoint-head.json"]);
      const report = await audit.verify();
      assert.equal(report.intact, true);
      assert.equal(report.checkpoints, 1);
    });

    it("names the first edited entry of a recomputed chain", async () => {
      await rewriteChain((entries) => entries.map((content, index) => (index === 3 ? { ...(content as object), outcome: "denied" } : content)));
      assert.deepEqual(await firstBroken(), { seq: 4, problem: "differs_from_checkpoint" });
    });

    it("names the first shifted entry after a deletion with renumbering", async () => {
      await rewriteChain((entries) => entries.filter((_, index) => index !== 5));
      assert.deepEqual(await firstBroken(), { seq: 6, problem: "differs_from_checkpoint" });
    });

    it("names the position of an inserted entry", async () => {
      await rewriteChain((entries) => [...entries.slice(0, 2), { ...(entries[0] as object), action: "auth.sign_out" }, ...entries.slice(2)]);
      assert.deepEqual(await firstBroken(), { seq: 3, problem: "differs_from_checkpoint" });
    });

    it("names the first moved entry after reordering", async () => {
      await rewriteChain((entries) => entries.map((content, index) => (index === 1 ? entries[6] : index === 6 ? entries[1] : content)));
      assert.deepEqual(await firstBroken(), { seq: 2, problem: "differs_from_checkpoint" });
    });

    it("finds a truncated tail even when the head was moved back", async () => {
      await rewriteChain((entries) => entries.slice(0, 7));
      assert.deepEqual(await firstBroken(), { seq: 8, problem: "tail_missing" });
    });

    it("finds an altered exported checkpoint", async () => {
      const file = path.join(exportDir, "checkpoint-000000000010.json");
      const json = JSON.parse(await readFile(file, "utf8")) as { chainHash: string };
      json.chainHash = `${json.chainHash.slice(0, -1)}${json.chainHash.endsWith("0") ? "1" : "0"}`;
      await writeFile(file, JSON.stringify(json));
      const report = await audit.verify();
      assert.equal(report.intact, false);
      assert.deepEqual(report.checkpointProblems[0], { seq: 10, problem: "signature_invalid", file: "checkpoint-000000000010.json" });
    });

    it("finds a deleted exported checkpoint", async () => {
      await rm(path.join(exportDir, "checkpoint-000000000010.json"));
      assert.deepEqual((await audit.verify()).checkpointProblems, [{ seq: 10, problem: "missing_from_export" }]);
    });

    it("finds a deleted stored checkpoint from its exported copy", async () => {
      await sql`delete from audit_checkpoint`.execute(db.kysely);
      assert.deepEqual((await audit.verify()).checkpointProblems, [{ seq: 10, problem: "missing_from_database", file: "checkpoint-000000000010.json" }]);
    });

    it("refuses a checkpoint forged with a key planted in the database", async () => {
      const file = path.join(exportDir, "checkpoint-000000000010.json");
      const { checkpoint } = checkpointFromFile(await readFile(file, "utf8"));
      const forger = generateKeyPairSync("ed25519");
      const plantedId = "00000000-0000-4000-8000-00000000f0f0";
      const publicDer = forger.publicKey.export({ format: "der", type: "spki" });
      await sql`insert into audit_signing_key (id, public_key, private_key, created_at) values (${plantedId}, ${publicDer}, ${Buffer.from("not ours")}, now())`.execute(db.kysely);
      const forged = signCheckpoint({ ...checkpoint, keyId: plantedId }, forger.privateKey);
      await sql`update audit_checkpoint set key_id = ${plantedId}, signature = ${forged.signature} where seq = 10`.execute(db.kysely);
      await writeFile(file, checkpointToFile(forged, publicDer));
      const problems = (await audit.verify()).checkpointProblems.map((problem) => problem.problem);
      // The genuine latest checkpoint is gone too, as the export folder's head record shows.
      assert.deepEqual(problems, ["signature_invalid", "signature_invalid", "latest_removed"]);
      // The planted key can neither sign nor stop us signing: the next checkpoint uses our own key.
      for (let n = 16; n <= 17; n += 1) await audit.record(entry(n));
      await sql`delete from audit_checkpoint`.execute(db.kysely);
      await rm(file);
      await audit.checkpointNow();
      assert.equal((await audit.verify()).intact, true);
      await sql`delete from audit_signing_key where id = ${plantedId}`.execute(db.kysely);
    });

    it("writes checkpoint files whole and never over another: a second export of the same checkpoint finds it present", async () => {
      const [stored] = await createCheckpointStore(db.kysely).checkpoints();
      const key = (await createCheckpointStore(db.kysely).signingKeys()).find((candidate) => candidate.id === stored!.keyId)!;
      assert.equal(await exportCheckpoint(exportDir, stored!, key.publicKey), "present");
      assert.deepEqual(await readdir(exportDir), ["checkpoint-000000000010.json", "checkpoint-head.json"], "no temporary file is left behind");
    });

    it("exports later a checkpoint whose file could not be written, and reports it as not exported yet meanwhile", async () => {
      // The export folder cannot be created (a file stands where it should be): the row commits, the file does not.
      const blocked = path.join(dir, `blocked-${Date.now()}`);
      await writeFile(blocked, "");
      const failing = createAudit({ db, keyring, clock: createManualClock(), batchWindowMs: 2, checkpoints: { everyEntries: 1_000_000, everyMs: 3_600_000, exportDir: path.join(blocked, "export") } });
      await assert.rejects(failing.checkpointNow(), /ENOTDIR/);
      const pending = await audit.verify();
      assert.deepEqual(pending.checkpointProblems, [{ seq: 15, problem: "not_exported_yet" }]);
      assert.equal(pending.intact, true, "an export still to do is not tampering");
      assert.equal(await audit.repairCheckpointExports(), 1);
      assert.deepEqual(await readdir(exportDir), ["checkpoint-000000000010.json", "checkpoint-000000000015.json", "checkpoint-head.json"]);
      const repaired = await audit.verify();
      assert.deepEqual([repaired.intact, repaired.checkpointProblems, repaired.checkpoints], [true, [], 2]);
    });

    it("replaces a file torn by a crash before its checkpoint was marked written, and nothing else", async () => {
      await audit.checkpointNow(); // covers 11..15
      await sql`update audit_checkpoint set exported_at = null where seq = 15`.execute(db.kysely);
      await writeFile(path.join(exportDir, "checkpoint-000000000015.json"), "");
      assert.deepEqual((await audit.verify()).checkpointProblems, [{ seq: 15, problem: "not_exported_yet", file: "checkpoint-000000000015.json" }]);
      await audit.repairCheckpointExports();
      assert.deepEqual((await audit.verify()).checkpointProblems, []);
      // A file once written and then removed is reported, never written again to cover the removal.
      await rm(path.join(exportDir, "checkpoint-000000000015.json"));
      assert.equal(await audit.repairCheckpointExports(), 0);
      assert.deepEqual((await audit.verify()).checkpointProblems, [{ seq: 15, problem: "missing_from_export" }]);
    });

    it("finds an exported file that is not a checkpoint", async () => {
      await writeFile(path.join(exportDir, "checkpoint-000000000020.json"), "{not json");
      assert.deepEqual((await audit.verify()).checkpointProblems, [{ seq: 20, problem: "unreadable", file: "checkpoint-000000000020.json" }]);
    });

    it("refuses to sign a checkpoint over a tampered segment", async () => {
      await sql`update audit_entry set entry = jsonb_set(entry, '{outcome}', '"denied"') where seq = 12`.execute(db.kysely);
      await assert.rejects(audit.checkpointNow(), /entry 12/);
    });
  });
});
