import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { after, before, describe, it } from "node:test";
import type { Database } from "../../db/index.js";
import { createManualClock } from "../../kernel/index.js";
import { buildAuditEntry, openTestDatabase, waitFor } from "../../testing/index.js";
import { createAuditWriter, type AuditWriter } from "../writer.js";
import { createCursorStore } from "./cursor-store.js";
import { createAuditExporter } from "./exporter.js";
import { createFileSink } from "./file-sink.js";

const entry = buildAuditEntry;

async function exportedSeqs(file: string): Promise<number[]> {
  const lines = (await readFile(file, "utf8")).split("\n").filter((line) => line.length > 0);
  return lines.map((line) => (JSON.parse(line) as { metadata: { sequence: number } }).metadata.sequence);
}

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

// LOG-5 (SIEM export): the trail leaves the database for the SIEM without loss, in order, once per restart.
describe("file sink", () => {
  const clock = createManualClock();
  let db: Database;
  let writer: AuditWriter;
  let dir: string;
  before(async () => {
    db = await openTestDatabase();
    writer = createAuditWriter({ db, clock, batchWindowMs: 2 });
    dir = await mkdtemp(path.join(os.tmpdir(), "mamori-siem-"));
    await Promise.all(oneTo(1_000).map((n) => writer.record(entry(n))));
  });
  after(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("exports 1,000 entries as 1,000 JSON lines in sequence order and persists the cursor", async () => {
    const target = path.join(dir, "first.jsonl");
    const exporter = createAuditExporter({ db, sink: createFileSink({ target, name: "file-first" }), clock, pollMs: 50 });
    exporter.start();
    await waitFor(() => exporter.status().cursorSeq === 1_000, "the cursor reaches 1000");
    await exporter.stop();

    assert.deepEqual(await exportedSeqs(target), oneTo(1_000));
    assert.equal(await createCursorStore(db.kysely).read("file-first"), 1_000);
    assert.deepEqual(exporter.status(), { sink: "file-first", cursorSeq: 1_000, lagEntries: 0 });
    assert.equal((await stat(target)).mode & 0o777, 0o600);
  });

  it("resumes a second exporter after the persisted cursor without duplicates", async () => {
    const target = path.join(dir, "resumed.jsonl");
    const first = createAuditExporter({ db, sink: createFileSink({ target, name: "file-resumed" }), clock, pollMs: 50 });
    first.start();
    await waitFor(() => first.status().cursorSeq === 1_000, "the first exporter reaches 1000");
    await first.stop();

    await Promise.all([1_001, 1_002, 1_003].map((n) => writer.record(entry(n))));
    const second = createAuditExporter({ db, sink: createFileSink({ target, name: "file-resumed" }), clock, pollMs: 50 });
    second.start();
    await waitFor(() => second.status().cursorSeq === 1_003, "the second exporter reaches 1003");
    await second.stop();

    assert.deepEqual(await exportedSeqs(target), oneTo(1_003));
  });

  it("lets only one exporter at a time export a sink on PostgreSQL", async (t) => {
    if (db.kind === "pglite") return t.skip("embedded PGlite serves a single process, which needs no lock");
    const target = path.join(dir, "shared.jsonl");
    const nodes = [1, 2].map(() => createAuditExporter({ db, sink: createFileSink({ target, name: "file-shared" }), clock, pollMs: 20 }));
    for (const node of nodes) node.start();
    await waitFor(() => nodes.every((node) => node.status().cursorSeq >= 1_000), "both exporters see the cursor at the end");
    await Promise.all(nodes.map((node) => node.stop()));

    const seqs = await exportedSeqs(target);
    assert.deepEqual(seqs.slice(0, 1_000), oneTo(1_000));
    assert.equal(new Set(seqs).size, seqs.length, "no entry is exported twice");
  });

  it("writes the lines to stdout when the target is -", async () => {
    const stdout = new PassThrough();
    const chunks: string[] = [];
    stdout.on("data", (chunk: Buffer) => chunks.push(chunk.toString("utf8")));
    const sink = createFileSink({ target: "-", stdout });
    await sink.send([{ ...entry(1), seq: 1, at: clock.now().toISOString() }, { ...entry(2), seq: 2, at: clock.now().toISOString() }]);
    await sink.close();
    const lines = chunks.join("").split("\n");
    assert.equal(lines.length, 3);
    assert.equal((JSON.parse(lines[1]!) as { metadata: { uid: string } }).metadata.uid, "2");
  });
});
