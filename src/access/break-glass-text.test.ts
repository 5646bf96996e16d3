import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import type { Audit } from "../audit/index.js";
import { createKeyring, openLocalKeyFile, type Keyring } from "../crypto/index.js";
import type { Database } from "../db/index.js";
import { createManualClock, isAppError, newId, type Principal } from "../kernel/index.js";
import { openTestDatabase } from "../testing/index.js";
import { createAccessManagement } from "./index.js";

const reason = "意識消失で救急搬送、既往歴の確認が必要";
const note = "救急外来での対応として正当";

// ENC-2: free text that may describe a patient is encrypted in the database; ACC-3: the review queue still reads it.
describe("break-glass reason and review note at rest", () => {
  const clock = createManualClock();
  let dir: string;
  let db: Database;
  let keyring: Keyring;
  let accountId: string;
  const network = { ip: "127.0.0.1", userAgent: "test" };
  const officer: Principal = { accountId: newId(), roles: ["security_officer"], sessionId: "s-officer", network };
  const doctor = (): Principal => ({ accountId, roles: ["doctor"], sessionId: "s-doctor", network });

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "mamori-break-glass-"));
    db = await openTestDatabase();
    keyring = await createKeyring({ db, kms: await openLocalKeyFile(path.join(dir, "master.key")), clock });
    accountId = newId();
    await sql`insert into identity_account (id, email, display_name, kind, roles, password_hash, created_at)
      values (${accountId}, ${"doctor@example.test"}, ${"試験 医師"}, ${"staff"}, ${["doctor"]}, ${"x"}, ${clock.now()})`.execute(db.kysely);
  });
  after(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  // Every decision allows and audits nowhere: this is about what is stored, not who may ask.
  const management = () =>
    createAccessManagement({
      db,
      keyring,
      clock,
      audit: { record: async () => 0, recordWithin: async () => 0 } as unknown as Audit,
      decide: () => ({ allowed: true, reasonCode: "access.permitted", policyIds: [] }),
      breakGlassMs: 3_600_000,
      patientExists: async () => true,
      recordAuthorizer: () => {
        throw new Error("record decisions are not asked here");
      },
    } as Parameters<typeof createAccessManagement>[0]);

  async function storedBytes(id: string): Promise<{ reason: Uint8Array; note: Uint8Array | null; sealed: boolean }> {
    const rows = await sql<{ reason: Uint8Array; note: Uint8Array | null; sealed: boolean }>`select reason, note, sealed from access_break_glass where id = ${id}`.execute(db.kysely);
    return rows.rows[0]!;
  }

  it("stores the reason and the note encrypted, and gives them back in clear to the review queue", async () => {
    const grant = await management().grant(doctor(), { patientId: "p-1", reason });
    await management().closeReview(officer, grant.id, { outcome: "justified", note });
    const stored = await storedBytes(grant.id);
    assert.equal(Buffer.from(stored.reason).includes(Buffer.from(reason)), false);
    assert.equal(Buffer.from(stored.note!).includes(Buffer.from(note)), false);
    const [item] = (await management().reviews(officer, "closed")).filter((row) => row.id === grant.id);
    assert.deepEqual([item?.reason, item?.note], [reason, note]);
  });

  it("refuses a sealed reason copied onto another grant (bound to its grant and field)", async () => {
    const first = await management().grant(doctor(), { patientId: "p-2", reason });
    const second = await management().grant(doctor(), { patientId: "p-3", reason: "別の理由で緊急アクセス" });
    await sql`update access_break_glass set reason = (select reason from access_break_glass where id = ${first.id}) where id = ${second.id}`.execute(db.kysely);
    await assert.rejects(management().reviews(officer, "open"), (error) => isAppError(error, "crypto.integrity"));
    await sql`delete from access_break_glass where id = ${second.id}`.execute(db.kysely);
  });

  it("seals at start the texts written in clear before they were encrypted, and reads them the same", async () => {
    const id = newId();
    await sql`insert into access_break_glass (id, account_id, patient_id, reason, granted_at, expires_at, review_status, outcome, note, reviewed_at, reviewed_by, sealed)
      values (${id}, ${accountId}, ${"p-4"}, convert_to(${reason}, 'UTF8'), ${clock.now()}, ${clock.now()}, 'closed', 'justified', convert_to(${note}, 'UTF8'), ${clock.now()}, ${officer.accountId}, false)`.execute(db.kysely);
    const before = (await management().reviews(officer, "closed")).find((row) => row.id === id);
    assert.deepEqual([before?.reason, before?.note], [reason, note], "readable before sealing");
    assert.equal(await management().sealClearTexts(), 1);
    assert.equal(await management().sealClearTexts(), 0, "nothing left to seal");
    const stored = await storedBytes(id);
    assert.equal(stored.sealed, true);
    assert.equal(Buffer.from(stored.reason).includes(Buffer.from(reason)), false);
    assert.equal(Buffer.from(stored.note!).includes(Buffer.from(note)), false);
    const after = (await management().reviews(officer, "closed")).find((row) => row.id === id);
    assert.deepEqual([after?.reason, after?.note], [reason, note]);
  });
});
