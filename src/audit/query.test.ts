import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Database } from "../db/index.js";
import { createManualClock, isAppError, type Principal } from "../kernel/index.js";
import { openTestDatabase } from "../testing/index.js";
import type { AuditEntry, RecordedAuditEntry } from "./entry.js";
import { createAuditQuery, type AuditQuery } from "./query.js";
import { createAuditWriter, type AuditWriter } from "./writer.js";

const doctorId = "00000000-0000-4000-8000-00000000d0c1";
const otherDoctorId = "00000000-0000-4000-8000-00000000d0c2";
const officerId = "00000000-0000-4000-8000-000000000cf1";
const network = { ip: "192.0.2.10", userAgent: "test" };
const officer: Principal = { accountId: officerId, roles: ["security_officer"], sessionId: "s-officer", network };
const doctor: Principal = { accountId: doctorId, roles: ["doctor"], sessionId: "s-doctor", network };

function access(accountId: string, action: string, patientId: string, outcome: AuditEntry["outcome"] = "success"): AuditEntry {
  return { action, outcome, actor: { accountId, roles: ["doctor"] }, resource: { type: "Patient", id: patientId }, patientId, network };
}

// LOG-4 (logs are reviewed) and LOG-2 (only those allowed read them): the security officer's search of the trail.
describe("audit query", () => {
  const clock = createManualClock(new Date("2026-04-01T09:00:00+09:00"));
  let db: Database;
  let writer: AuditWriter;
  let query: AuditQuery;
  const written: RecordedAuditEntry[] = [];

  /** The newest entry on the trail, as the officer sees it. */
  async function lastEntry(): Promise<RecordedAuditEntry> {
    const [entry] = (await query.search(officer, { limit: 1 })).entries;
    return entry!;
  }

  before(async () => {
    db = await openTestDatabase();
    writer = createAuditWriter({ db, clock, batchWindowMs: 0 });
    writer.onAppend((entries) => written.push(...entries));
    query = createAuditQuery({
      db,
      audit: writer,
      mayReadAudit: (principal) =>
        principal.roles.includes("security_officer") ? { allowed: true, reasonCode: "access.permitted" } : { allowed: false, reasonCode: "access.no_permission" },
    });
    // Ten minutes apart: 09:00 doctor reads p-1, 09:10 creates p-2, 09:20 is denied p-3, 09:30 the other doctor reads p-1, then sign-ins.
    await writer.record(access(doctorId, "fhir.read", "p-1"));
    clock.advance(600_000);
    await writer.record(access(doctorId, "fhir.create", "p-2"));
    clock.advance(600_000);
    await writer.record(access(doctorId, "fhir.read", "p-3", "denied"));
    clock.advance(600_000);
    await writer.record(access(otherDoctorId, "fhir.read", "p-1"));
    clock.advance(600_000);
    await writer.record({ action: "auth.sign_in", outcome: "success", actor: { accountId: doctorId }, network });
    await writer.record({ action: "auth.sign_out", outcome: "success", actor: { accountId: doctorId }, network });
    clock.advance(600_000);
  });
  after(() => db.close());

  it("finds who touched a patient, newest first", async () => {
    const page = await query.search(officer, { patientId: "p-1" });
    assert.deepEqual(page.entries.map((entry) => entry.actor.accountId), [otherDoctorId, doctorId]);
    assert.equal(page.entries[0]!.at, "2026-04-01T00:30:00.000Z");
    assert.equal(page.nextCursor, undefined);
  });

  it("filters by account, outcome and exact action together", async () => {
    const page = await query.search(officer, { accountId: doctorId, action: "fhir.read", outcome: "success" });
    assert.deepEqual(page.entries.map((entry) => entry.patientId), ["p-1"]);
    const denied = await query.search(officer, { outcome: "denied", action: "fhir.read" });
    assert.deepEqual(denied.entries.map((entry) => entry.patientId), ["p-3"]);
  });

  it("reads an action ending in a dot, or in .*, as a prefix; anything else must match exactly", async () => {
    const fhir = await query.search(officer, { action: "fhir." });
    assert.deepEqual(fhir.entries.map((entry) => entry.action), ["fhir.read", "fhir.read", "fhir.create", "fhir.read"]);
    assert.deepEqual((await query.search(officer, { action: "auth.*" })).entries.map((entry) => entry.action), ["auth.sign_out", "auth.sign_in"]);
    assert.equal((await query.search(officer, { action: "auth.sign_" })).entries.length, 0);
    assert.equal((await query.search(officer, { action: "auth.sign_in" })).entries.length, 1);
  });

  it("filters on the time recorded, from inclusive and to exclusive", async () => {
    const page = await query.search(officer, { from: new Date("2026-04-01T09:10:00+09:00"), to: new Date("2026-04-01T09:30:00+09:00") });
    assert.deepEqual(page.entries.map((entry) => entry.patientId), ["p-3", "p-2"]);
  });

  it("pages newest first with a cursor until no entry is left", async () => {
    const seen: number[] = [];
    let cursor: number | undefined;
    let pages = 0;
    do {
      const page = await query.search(officer, { action: "fhir.", limit: 3, before: cursor });
      seen.push(...page.entries.map((entry) => entry.seq));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== undefined);
    assert.equal(pages, 2);
    assert.equal(seen.length, 4);
    assert.deepEqual(seen, [...seen].sort((a, b) => b - a));
  });

  it("refuses a page size above 500 or an unreadable time", async () => {
    await assert.rejects(query.search(officer, { limit: 501 }), (error) => isAppError(error, "audit.invalid_filter"));
    await assert.rejects(query.search(officer, { from: new Date("not a date") }), (error) => isAppError(error, "audit.invalid_filter"));
  });

  it("records every search as audit.search, with no patient id even when the search names one", async () => {
    const before = written.length;
    await query.search(officer, { patientId: "p-1" });
    const recorded = written.slice(before);
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]!.action, "audit.search");
    assert.equal(recorded[0]!.outcome, "success");
    assert.equal(recorded[0]!.actor.accountId, officerId);
    assert.equal(recorded[0]!.patientId, undefined);
    assert.equal((await lastEntry()).action, "audit.search");
  });

  // ACC-1 / LOG-2: a doctor cannot read the trail; the refusal itself is on the trail.
  it("denies a doctor with access.denied and records the denial", async () => {
    await assert.rejects(query.search(doctor, { patientId: "p-1" }), (error) => isAppError(error, "access.denied") && error.detail === "access.no_permission");
    const [denial] = (await query.search(officer, { accountId: doctorId, action: "audit.search" })).entries;
    assert.equal(denial?.outcome, "denied");
    assert.equal(denial?.reasonCode, "access.no_permission");
    await assert.rejects(query.read(doctor, 1), (error) => isAppError(error, "access.denied"));
    await assert.rejects(query.export(doctor, {}), (error) => isAppError(error, "access.denied"));
  });

  it("reads one entry by sequence number, and answers audit.not_found for one that does not exist", async () => {
    const first = await query.read(officer, 1);
    assert.equal(first.action, "fhir.read");
    assert.equal(first.patientId, "p-1");
    await assert.rejects(query.read(officer, 999_999), (error) => isAppError(error, "audit.not_found"));
    const [audited] = (await query.search(officer, { action: "audit.read", outcome: "failure" })).entries;
    assert.equal(audited?.resource?.id, "999999");
  });

  it("exports every match across pages, after recording the export", async () => {
    await Promise.all(Array.from({ length: 600 }, () => writer.record(access(doctorId, "fhir.read", "p-bulk"))));
    const before = written.length;
    const entries = await query.export(officer, { patientId: "p-bulk", limit: 5 });
    assert.equal(written.slice(before).at(0)?.action, "audit.export");
    const exported: number[] = [];
    for await (const entry of entries) exported.push(entry.seq);
    assert.equal(exported.length, 600);
    assert.equal(new Set(exported).size, 600);
    assert.deepEqual(exported, [...exported].sort((a, b) => b - a));
  });
});
