import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createManualClock } from "../kernel/index.js";
import { openTestDatabase } from "../testing/index.js";
import type { AuditEntry } from "./entry.js";
import { createAuditWriter } from "./writer.js";

const entry: AuditEntry = { action: "test.health", outcome: "success", actor: { accountId: "health-probe" }, network: { ip: "127.0.0.1", userAgent: "test" } };

// Readiness of the audit writer: a failed group commit takes the node out of rotation for a while, not for ever.
describe("audit writer health", () => {
  it("reports commits to observers, stops accepting after a failed commit and accepts again after a while", async () => {
    const clock = createManualClock();
    const db = await openTestDatabase();
    const writer = createAuditWriter({ db, clock, batchWindowMs: 0 });
    const commits: Array<{ size: number; ok: boolean }> = [];
    writer.onCommit(({ size, ok, seconds }) => {
      assert.ok(seconds >= 0);
      commits.push({ size, ok });
    });
    await writer.record(entry);
    assert.equal(writer.accepting(), true);
    assert.equal(writer.queueDepth(), 0);
    await db.close();
    await assert.rejects(writer.record(entry), /audit/);
    assert.deepEqual(commits, [{ size: 1, ok: true }, { size: 1, ok: false }]);
    assert.equal(writer.accepting(), false);
    clock.advance(9_000);
    assert.equal(writer.accepting(), false);
    clock.advance(2_000);
    assert.equal(writer.accepting(), true, "the database check of readiness takes over");
  });
});
