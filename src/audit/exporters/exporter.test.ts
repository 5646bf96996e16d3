import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Database } from "../../db/index.js";
import { createManualClock } from "../../kernel/index.js";
import { openTestDatabase, waitFor } from "../../testing/index.js";
import type { AuditEntry, RecordedAuditEntry } from "../entry.js";
import { createAuditWriter, type AuditWriter } from "../writer.js";
import { createCursorStore } from "./cursor-store.js";
import { createAuditExporter } from "./exporter.js";
import { SinkError, type AuditSink } from "./sink.js";

const entry = (n: number): AuditEntry => ({
  action: "auth.password",
  outcome: "success",
  actor: { accountId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}` },
  network: { ip: "127.0.0.1", userAgent: "test" },
});

/** A sink that records what it accepted and fails as the test says. */
function createFakeSink(name: string, fail: (call: number, entries: readonly RecordedAuditEntry[]) => number | undefined) {
  const received: number[] = [];
  let calls = 0;
  const sink: AuditSink = {
    name,
    async send(entries) {
      calls += 1;
      const acknowledged = fail(calls, entries);
      if (acknowledged === undefined) {
        received.push(...entries.map((item) => item.seq));
        return;
      }
      received.push(...entries.slice(0, acknowledged).map((item) => item.seq));
      throw new SinkError("receiver went away", acknowledged);
    },
    async close() {},
  };
  return { sink, received };
}

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

// LOG-5 (SIEM export): at-least-once, in order, resumable; the loop never gives up and never floods a failing sink.
describe("audit exporter", () => {
  const clock = createManualClock();
  let db: Database;
  let writer: AuditWriter;
  before(async () => {
    db = await openTestDatabase();
    writer = createAuditWriter({ db, clock, batchWindowMs: 2 });
    await Promise.all(oneTo(120).map((n) => writer.record(entry(n))));
  });
  after(() => db.close());

  it("keeps the acknowledged part of a failed page and resumes right after it", async () => {
    const { sink, received } = createFakeSink("partial", (call) => (call === 1 ? 30 : undefined));
    const errors: number[] = [];
    const exporter = createAuditExporter({ db, sink, clock, pageSize: 50, pollMs: 20, retry: { initialMs: 20 }, onError: (_error, retryInMs) => errors.push(retryInMs) });
    exporter.start();
    await waitFor(() => exporter.status().cursorSeq === 120, "the cursor reaches 120");
    await exporter.stop();

    assert.deepEqual(received, oneTo(120));
    assert.deepEqual(errors, [20]);
    assert.equal(exporter.status().lastError, undefined, "a successful round clears the error");
    assert.equal(await createCursorStore(db.kysely).read("partial"), 120);
  });

  it("waits with capped exponential backoff while the sink keeps failing and reports the lag", async () => {
    const { sink } = createFakeSink("down", () => 0);
    const waits: number[] = [];
    const exporter = createAuditExporter({ db, sink, clock, pollMs: 20, retry: { initialMs: 20, maxMs: 80 }, onError: (_error, retryInMs) => waits.push(retryInMs) });
    exporter.start();
    await waitFor(() => waits.length >= 5, "five failures");
    await exporter.stop();

    assert.deepEqual(waits.slice(0, 5), [20, 40, 80, 80, 80]);
    assert.deepEqual(exporter.status(), { sink: "down", cursorSeq: 0, lagEntries: 120, lastError: "receiver went away" });
  });

  it("stops promptly in the middle of a long backoff", async () => {
    const { sink } = createFakeSink("stopping", () => 0);
    let failures = 0;
    const exporter = createAuditExporter({ db, sink, clock, retry: { initialMs: 60_000 }, onError: () => (failures += 1) });
    exporter.start();
    await waitFor(() => failures === 1, "the first failure");
    const startedAt = Date.now();
    await exporter.stop();
    assert.ok(Date.now() - startedAt < 1_000);
  });

  it("exports new entries as soon as the writer announces them, without waiting for the poll", async () => {
    const { sink, received } = createFakeSink("woken", () => undefined);
    const exporter = createAuditExporter({ db, sink, clock, pollMs: 60_000 });
    writer.onAppend((entries) => exporter.wake(entries.at(-1)?.seq));
    exporter.start();
    await waitFor(() => exporter.status().cursorSeq === 120, "the first round ends");
    const seq = await writer.record(entry(121));
    await waitFor(() => exporter.status().cursorSeq === seq, "the new entry is exported");
    await exporter.stop();
    assert.deepEqual(received, oneTo(seq));
  });
});
