import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import tls from "node:tls";
import { generate } from "selfsigned";
import type { Database } from "../../db/index.js";
import { createManualClock } from "../../kernel/index.js";
import { openTestDatabase, waitFor } from "../../testing/index.js";
import type { AuditEntry } from "../entry.js";
import { createAuditWriter, type AuditWriter } from "../writer.js";
import { createCursorStore } from "./cursor-store.js";
import { createAuditExporter } from "./exporter.js";
import { SinkError } from "./sink.js";
import { createSyslogSink } from "./syslog-sink.js";

const entry = (n: number): AuditEntry => ({
  action: n % 2 === 0 ? "fhir.read" : "auth.password",
  outcome: "success",
  actor: { accountId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}` },
  network: { ip: "127.0.0.1", userAgent: "test" },
});

async function certificateFor(altNames: Array<{ type: 2; value: string } | { type: 7; ip: string }>) {
  return generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    extensions: [{ name: "subjectAltName", altNames }],
  });
}

/** A syslog-over-TLS receiver on 127.0.0.1 that parses RFC 5425 octet-counted frames. */
function createReceiver(pems: { private: string; cert: string }) {
  const messages: string[] = [];
  const sockets = new Set<tls.TLSSocket>();
  let server: tls.Server | undefined;

  function parseFrames(socket: tls.TLSSocket): void {
    let buffered = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const space = buffered.indexOf(0x20);
        if (space < 0) return;
        const length = Number(buffered.subarray(0, space).toString("ascii"));
        if (buffered.length < space + 1 + length) return;
        messages.push(buffered.subarray(space + 1, space + 1 + length).toString("utf8"));
        buffered = buffered.subarray(space + 1 + length);
      }
    });
  }

  return {
    messages,
    seqs: () => messages.map((message) => Number(/\[mamori@32473 seq="(\d+)"\]/.exec(message)?.[1])),
    async listen(port = 0): Promise<number> {
      server = tls.createServer({ key: pems.private, cert: pems.cert }, (socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => {});
        parseFrames(socket);
      });
      await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
      return (server.address() as AddressInfo).port;
    },
    /** Kills the receiver: every connection destroyed, then the listener closed. */
    async kill(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
  };
}

// LOG-5 (SIEM export) over RFC 5425: encrypted, authenticated receiver, no loss across a receiver outage.
describe("syslog sink", () => {
  const clock = createManualClock();
  let db: Database;
  let writer: AuditWriter;
  let pems: Awaited<ReturnType<typeof certificateFor>>;
  before(async () => {
    [db, pems] = await Promise.all([openTestDatabase(), certificateFor([{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }])]);
    writer = createAuditWriter({ db, clock, batchWindowMs: 2 });
  });
  after(() => db.close());

  it("delivers every entry in order through a receiver restart and moves the cursor to the end", async () => {
    const receiver = createReceiver(pems);
    const port = await receiver.listen();
    const record = (from: number, to: number) => Promise.all(Array.from({ length: to - from + 1 }, (_, i) => writer.record(entry(from + i))));
    const exporter = createAuditExporter({
      db,
      sink: createSyslogSink({ host: "127.0.0.1", port, ca: pems.cert, hostname: "node-1" }),
      clock,
      pageSize: 100,
      pollMs: 50,
      retry: { initialMs: 50, maxMs: 400 },
    });
    writer.onAppend((entries) => exporter.wake(entries.at(-1)?.seq));
    exporter.start();

    await record(1, 300);
    await waitFor(() => receiver.messages.length >= 300 && exporter.status().cursorSeq === 300, "the first 300 arrive");
    await receiver.kill();
    await record(301, 700);
    await waitFor(() => exporter.status().lastError !== undefined, "the exporter notices the receiver is gone");
    await receiver.listen(port);
    await record(701, 1_000);
    await waitFor(() => exporter.status().cursorSeq === 1_000, "the cursor reaches 1000");
    await exporter.stop();
    await receiver.kill();

    const seqs = receiver.seqs();
    // At least once: after the restart the recent past is sent again, and the receiver de-duplicates by seq.
    assert.deepEqual([...new Set(seqs)], Array.from({ length: 1_000 }, (_, i) => i + 1), "every seq arrives, first time in order");
    assert.equal(await createCursorStore(db.kysely).read("syslog"), 1_000);
    assert.match(receiver.messages[1]!, /^<134>1 \S+ node-1 mamori \d+ fhir\.read \[mamori@32473 seq="2"\] \{/);
  });

  it("refuses a receiver whose certificate is not signed by the configured CA", async () => {
    const receiver = createReceiver(pems);
    const port = await receiver.listen();
    const stranger = await certificateFor([{ type: 7, ip: "127.0.0.1" }]);
    const sink = createSyslogSink({ host: "127.0.0.1", port, ca: stranger.cert });
    const sent = sink.send([{ ...entry(1), seq: 1, at: clock.now().toISOString() }]);
    await assert.rejects(sent, (error: unknown) => error instanceof SinkError && error.acknowledged === 0);
    await sink.close();
    await receiver.kill();
    assert.equal(receiver.messages.length, 0);
  });

  it("refuses a receiver whose certificate names another host", async () => {
    const elsewhere = await certificateFor([{ type: 2, value: "siem.example" }]);
    const receiver = createReceiver(elsewhere);
    const port = await receiver.listen();
    const sink = createSyslogSink({ host: "127.0.0.1", port, ca: elsewhere.cert });
    await assert.rejects(sink.send([{ ...entry(1), seq: 1, at: clock.now().toISOString() }]), /does not match|IP: 127\.0\.0\.1 is not in the cert's list/);
    await sink.close();
    await receiver.kill();
    assert.equal(receiver.messages.length, 0);
  });
});
