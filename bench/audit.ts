/**
 * Audit trail figures, each beside its baseline measured in the same run:
 *   append  group commit (concurrent callers share a transaction) vs one commit per entry
 *   verify  entries/s for the whole chain (BENCH_AUDIT_ENTRIES, default 1,000,000 on PostgreSQL, 100,000 on PGlite)
 *           vs SHA-256 alone over the same canonical bytes (the floor: what any verifier must hash)
 *   merkle  signing the first tree head over the chain (checkpoint, block cache), then per proof: inclusion proof
 *           build and check, consistency proof build, vs one SHA-256 of an entry
 * Run: npm run bench (DATABASE_URL=… for PostgreSQL).
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { sql } from "kysely";
import { createAudit, type AuditEntry } from "../src/audit/index.js";
import { canonicalJson, genesisHash, linkHash, normaliseEntry } from "../src/audit/chain.js";
import { createMerkleLog } from "../src/audit/merkle/merkle-log.js";
import { leafHash, verifyInclusion } from "../src/audit/merkle/tree.js";
import { createKeyring, openLocalKeyFile } from "../src/crypto/index.js";
import { createManualClock } from "../src/kernel/index.js";
import { openTestDatabase } from "../src/testing/index.js";

const dir = await mkdtemp(path.join(os.tmpdir(), "mamori-bench-audit-"));
const db = await openTestDatabase();
const clock = createManualClock();
const keyring = await createKeyring({ db, kms: await openLocalKeyFile(path.join(dir, "master.key")), clock });
const audit = createAudit({ db, keyring, clock, batchWindowMs: 0, checkpoints: { everyEntries: 1_000_000_000, everyMs: 3_600_000, exportDir: undefined } });

const entry = (n: number): AuditEntry => ({
  action: "fhir.read",
  outcome: "success",
  reasonCode: "doctor-patient-records",
  actor: { accountId: "5b0c1d7e-3f4a-4b6c-9d8e-0f1a2b3c4d5e", roles: ["doctor"], sessionId: "6c1d2e8f-4a5b-4c7d-8e9f-1a2b3c4d5e6f" },
  resource: { type: "Patient", id: `7d2e3f9a-5b6c-4d8e-9fa0-${String(n).padStart(12, "0")}`, version: "1" },
  patientId: `7d2e3f9a-5b6c-4d8e-9fa0-${String(n).padStart(12, "0")}`,
  network: { ip: "192.0.2.10", userAgent: "Mozilla/5.0 (bench)" },
});

async function appendRate(concurrency: number, perCaller: number, append: (n: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, caller) => {
      for (let i = 0; i < perCaller; i += 1) await append(caller * perCaller + i);
    }),
  );
  return (concurrency * perCaller) / ((performance.now() - started) / 1000);
}

try {
  console.log(`\naudit trail, ${db.kind}\n`);
  console.log("append, concurrent callers | group commit entries/s | one commit per entry/s | ratio");
  for (const concurrency of [1, 16, 64]) {
    const perCaller = Math.max(20, Math.floor(2_000 / concurrency));
    const grouped = await appendRate(concurrency, perCaller, (n) => audit.record(entry(n)));
    const single = await appendRate(concurrency, perCaller, (n) => db.kysely.transaction().execute((trx) => audit.recordWithin(trx, entry(n))));
    console.log(`${String(concurrency).padStart(26)} | ${grouped.toFixed(0).padStart(22)} | ${single.toFixed(0).padStart(22)} | ${(grouped / single).toFixed(2)}`);
  }

  const target = Number(process.env["BENCH_AUDIT_ENTRIES"] ?? (db.kind === "postgresql" ? 1_000_000 : 100_000));
  await fillChain(target);
  const started = performance.now();
  let lastShown = 0;
  const report = await audit.verify((checked, total) => {
    if (checked - lastShown >= 100_000 || checked === total) {
      process.stderr.write(`  verifying ${checked} / ${total}\n`);
      lastShown = checked;
    }
  });
  const seconds = (performance.now() - started) / 1000;
  if (!report.intact) throw new Error(`chain broken: ${JSON.stringify(report.firstBroken)}`);
  const rate = report.checked / seconds;
  const hashRate = await rawHashRate();
  console.log(`\nverify: ${report.checked} entries in ${seconds.toFixed(1)} s = ${Math.round(rate)} entries/s`);
  console.log(`        SHA-256 alone over the same canonical bytes: ${Math.round(hashRate)} entries/s; verify / SHA-256 alone = ${(rate / hashRate).toFixed(2)}`);
  await merkleFigures(report.checked);
} finally {
  await db.close();
  await rm(dir, { recursive: true, force: true });
}

/** Entries/s of SHA-256 over each entry's canonical bytes, read into memory first: the hashing floor of any verify. */
async function rawHashRate(): Promise<number> {
  const texts: Buffer[] = [];
  for (let after = 0; ; ) {
    const rows = await sql<{ seq: number; entry: unknown }>`select seq, entry from audit_entry where seq > ${after} order by seq limit 50000`.execute(db.kysely);
    for (const row of rows.rows) texts.push(Buffer.from(canonicalJson(row.entry)));
    if (rows.rows.length < 50_000) break;
    after = rows.rows.at(-1)!.seq;
  }
  const started = performance.now();
  for (const text of texts) createHash("sha256").update(text).digest();
  return texts.length / ((performance.now() - started) / 1000);
}

/** The Merkle tree: first tree head over the whole chain, then proofs against it. */
async function merkleFigures(size: number): Promise<void> {
  let started = performance.now();
  await audit.checkpointNow();
  const log = createMerkleLog({ db, clock });
  const head = (await log.latestTreeHead())!;
  console.log(`\nmerkle: checkpoint and first tree head over ${head.treeSize} entries (every block root computed once) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const seqs = Array.from({ length: 200 }, (_, i) => 1 + Math.floor(((i + 0.5) / 200) * size));
  const hashes = new Map<number, Buffer>();
  for (const seq of seqs) {
    const row = await sql<{ hash: Uint8Array }>`select hash from audit_entry where seq = ${seq}`.execute(db.kysely);
    hashes.set(seq, Buffer.from(row.rows[0]!.hash));
  }
  started = performance.now();
  const proofs = [];
  for (const seq of seqs) proofs.push(await log.inclusionProof(seq, head.treeSize));
  const buildMs = (performance.now() - started) / seqs.length;
  started = performance.now();
  for (const [i, seq] of seqs.entries()) {
    if (!verifyInclusion(seq - 1, head.treeSize, leafHash(hashes.get(seq)!), proofs[i]!, head.rootHash)) throw new Error(`inclusion proof of ${seq} does not verify`);
  }
  const checkMs = (performance.now() - started) / seqs.length;
  started = performance.now();
  const firstSizes = seqs.slice(0, 50);
  for (const first of firstSizes) await log.consistencyProof(first, head.treeSize);
  const consistencyMs = (performance.now() - started) / firstSizes.length;
  started = performance.now();
  for (let i = 0; i < 10_000; i += 1) createHash("sha256").update(hashes.get(seqs[0]!)!).digest();
  const shaMs = (performance.now() - started) / 10_000;
  console.log(`        inclusion proof (${proofs[0]!.length} hashes): build ${buildMs.toFixed(2)} ms, check ${checkMs.toFixed(3)} ms; consistency proof build ${consistencyMs.toFixed(2)} ms`);
  console.log(`        one SHA-256 of 32 bytes: ${(shaMs * 1000).toFixed(2)} µs; inclusion check = ${(checkMs / shaMs).toFixed(0)} SHA-256`);
}

/** Extends the chain to `target` entries with multi-row inserts (the writer's own hashing, without its per-batch locking). */
async function fillChain(target: number): Promise<void> {
  const head = await sql<{ seq: number; hash: Uint8Array }>`select seq, hash from audit_chain_head`.execute(db.kysely);
  let seq = head.rows[0]!.seq;
  let previous: Buffer = seq === 0 ? genesisHash : Buffer.from(head.rows[0]!.hash);
  const at = new Date().toISOString();
  const started = performance.now();
  while (seq < target) {
    const rows = [];
    for (let i = 0; i < 5_000 && seq < target; i += 1) {
      seq += 1;
      const stored = normaliseEntry({ ...entry(seq), at });
      const hash = linkHash(previous, seq, stored);
      rows.push(sql`(${seq}, ${at}, ${JSON.stringify(stored)}, ${previous}, ${hash})`);
      previous = hash;
    }
    await sql`insert into audit_entry (seq, recorded_at, entry, prev_hash, hash) values ${sql.join(rows)}`.execute(db.kysely);
    if (seq % 100_000 === 0) process.stderr.write(`  filling ${seq} / ${target}\n`);
  }
  await sql`update audit_chain_head set seq = ${seq}, hash = ${previous}`.execute(db.kysely);
  process.stderr.write(`  filled ${target} entries in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}
