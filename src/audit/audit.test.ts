import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { sql } from "kysely";
import type { Database } from "../db/index.js";
import { createManualClock } from "../kernel/index.js";
import { openTestDatabase } from "../testing/index.js";
import { createAudit, type Audit, type AuditEntry } from "./index.js";

const entry = (n: number): AuditEntry => ({
  action: "fhir.read",
  outcome: "success",
  actor: { accountId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`, roles: ["doctor"] },
  resource: { type: "Patient", id: `p-${n}` },
  patientId: `p-${n}`,
  network: { ip: "127.0.0.1", userAgent: "test" },
});

// LOG-2: the trail is tamper-evident; verify names the first broken entry.
describe("audit trail", () => {
  let db: Database;
  let audit: Audit;
  before(async () => {
    db = await openTestDatabase();
  });
  // Each test starts from a fresh ten-entry chain: the trail is emptied the only way possible, by hand in SQL.
  beforeEach(async () => {
    await sql`delete from audit_entry`.execute(db.kysely);
    await sql`update audit_chain_head set seq = 0, hash = decode(repeat('00', 32), 'hex')`.execute(db.kysely);
    audit = createAudit({ db, clock: createManualClock(), batchWindowMs: 2 });
    for (let n = 1; n <= 10; n += 1) await audit.record(entry(n));
  });
  after(() => db.close());

  it("reports an untouched chain intact", async () => {
    assert.deepEqual(await audit.verify(), { intact: true, checked: 10, lastSeq: 10 });
  });

  it("commits concurrent entries together in one batch and keeps every one", async () => {
    const seqs = await Promise.all(Array.from({ length: 50 }, (_, i) => audit.record(entry(100 + i))));
    assert.deepEqual([...seqs].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => 11 + i));
    const batches = await sql<{ n: number }>`select count(distinct recorded_at)::int8 as n from audit_entry where seq > 10`.execute(db.kysely);
    assert.ok(batches.rows[0]!.n >= 1);
    assert.equal((await audit.verify()).intact, true);
  });

  it("finds an edited entry", async () => {
    await sql`update audit_entry set entry = jsonb_set(entry, '{outcome}', '"denied"') where seq = 4`.execute(db.kysely);
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 4, problem: "content_altered" });
  });

  it("finds an entry whose content and hash were both rewritten", async () => {
    await sql`update audit_entry set entry = jsonb_set(entry, '{outcome}', '"denied"'), hash = sha256(hash) where seq = 6`.execute(db.kysely);
    assert.equal((await audit.verify()).firstBroken?.seq, 6);
  });

  it("finds a deleted entry", async () => {
    await sql`delete from audit_entry where seq = 7`.execute(db.kysely);
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 7, problem: "entries_missing" });
  });

  it("finds reordered entries", async () => {
    await sql`update audit_entry set seq = case seq when 3 then -5 when 5 then 3 end where seq in (3, 5)`.execute(db.kysely);
    await sql`update audit_entry set seq = 5 where seq = -5`.execute(db.kysely);
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 3, problem: "chain_broken" });
  });

  it("finds swapped contents between two entries", async () => {
    await sql`update audit_entry a set entry = b.entry from audit_entry b where (a.seq, b.seq) in ((2, 8), (8, 2))`.execute(db.kysely);
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 2, problem: "content_altered" });
  });

  it("finds a truncated tail", async () => {
    await sql`delete from audit_entry where seq > 8`.execute(db.kysely);
    assert.deepEqual((await audit.verify()).firstBroken, { seq: 9, problem: "tail_missing" });
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
    assert.deepEqual(await audit.verify(), { intact: true, checked: 10, lastSeq: 10 });
  });
});
