import type { Database, Executor } from "../../db/index.js";
import type { Clock } from "../../kernel/index.js";
import type { RecordedAuditEntry } from "../entry.js";
import { createAuditStore, type StoredRow } from "../store.js";
import { createBackoff } from "./backoff.js";
import { createCursorStore } from "./cursor-store.js";
import { SinkError, type AuditSink } from "./sink.js";

/** Where one sink's export stands, for metrics and the compliance report. */
export interface ExporterStatus {
  sink: string;
  /** The last sequence number the sink acknowledged. */
  cursorSeq: number;
  /** Entries recorded but not yet acknowledged by the sink. */
  lagEntries: number;
  /** The most recent failure, cleared by the next successful round. */
  lastError?: string;
}

export interface AuditExporter {
  start(): void;
  /** Tells the loop that entries up to `latestSeq` were appended, so it exports now rather than at the next poll. */
  wake(latestSeq?: number): void;
  /** Ends the loop after the page in flight; resolves once the loop and the sink are finished. */
  stop(): Promise<void>;
  status(): ExporterStatus;
}

export interface AuditExporterOptions {
  db: Database;
  sink: AuditSink;
  clock: Clock;
  pageSize?: number;
  /** Also look for new entries this often: other nodes append entries this node hears nothing about. */
  pollMs?: number;
  /** Wait after a failure: capped exponential, 0.5 s doubling to 30 s by default. */
  retry?: { initialMs?: number; maxMs?: number };
  onError?: (error: unknown, retryInMs: number) => void;
}

/**
 * The export loop of one sink: sends the entries after the sink's cursor in pages, in sequence order, and moves
 * the persistent cursor after each acknowledged page (or the acknowledged part of a failed one). On failure it
 * waits and resumes from the cursor: delivery is at-least-once and in order, and receivers de-duplicate by seq.
 * On PostgreSQL a session-level advisory lock per sink lets only one node export it at a time; embedded PGlite
 * serves a single process, so it needs none.
 */
export function createAuditExporter(options: AuditExporterOptions): AuditExporter {
  const { db, sink, clock } = options;
  const pageSize = options.pageSize ?? 500;
  const pollMs = options.pollMs ?? 5_000;
  const retry = createBackoff(options.retry);
  let cursorSeq = 0;
  let headSeq = 0;
  // After a failure of a transport-acknowledged sink, the next round starts this far behind the cursor.
  let resendFrom: number | undefined;
  let lastError: string | undefined;
  let isStopping = false;
  let isWoken = false;
  let running: Promise<void> | undefined;
  let pausing: { end: () => void; isWakeable: boolean } | undefined;

  async function exportPending(executor: Executor): Promise<void> {
    const cursors = createCursorStore(executor);
    const entries = createAuditStore(executor);
    cursorSeq = await cursors.read(sink.name);
    headSeq = (await entries.head()).seq;
    let from = Math.min(resendFrom ?? cursorSeq, cursorSeq);
    resendFrom = undefined;
    while (!isStopping) {
      const page = (await entries.page(from, pageSize)).map(toRecorded);
      if (page.length === 0) return;
      try {
        await sink.send(page);
      } catch (error) {
        const acknowledged = error instanceof SinkError ? error.acknowledged : 0;
        if (acknowledged > 0 && page[acknowledged - 1]!.seq > cursorSeq) await advance(cursors, page[acknowledged - 1]!.seq);
        if (sink.resendAfterFailure) resendFrom = Math.max(0, cursorSeq - sink.resendAfterFailure);
        throw error;
      }
      if (page.at(-1)!.seq > cursorSeq) await advance(cursors, page.at(-1)!.seq);
      from = page.at(-1)!.seq;
      if (page.length < pageSize) return;
    }
  }

  async function advance(cursors: ReturnType<typeof createCursorStore>, seq: number): Promise<void> {
    await cursors.advance(sink.name, seq, clock.now());
    cursorSeq = seq;
    headSeq = Math.max(headSeq, seq);
  }

  async function exportRound(): Promise<void> {
    if (db.kind === "pglite") return exportPending(db.kysely);
    // The advisory lock belongs to a session, so the round keeps one pooled connection for its queries.
    await db.kysely.connection().execute(async (connection) => {
      const cursors = createCursorStore(connection);
      if (!(await cursors.tryLock(sink.name))) {
        // Another node is exporting this sink; keep the status current and look again at the next poll.
        cursorSeq = await cursors.read(sink.name);
        headSeq = (await createAuditStore(connection).head()).seq;
        return;
      }
      try {
        await exportPending(connection);
      } finally {
        await cursors.unlock(sink.name).catch(() => {});
      }
    });
  }

  async function run(): Promise<void> {
    while (!isStopping) {
      isWoken = false;
      let waitMs = pollMs;
      try {
        await exportRound();
        lastError = undefined;
        retry.reset();
      } catch (error) {
        if (isStopping) break;
        lastError = error instanceof Error ? error.message : String(error);
        waitMs = retry.next();
        try {
          options.onError?.(error, waitMs);
        } catch {
          // A failing error reporter must not end the loop: the status still shows the error.
        }
      }
      // After a failure new entries do not cut the wait short: the backoff protects a struggling receiver.
      await pause(waitMs, lastError === undefined);
    }
  }

  function pause(ms: number, isWakeable: boolean): Promise<void> {
    if (isStopping || (isWakeable && isWoken)) return Promise.resolve();
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        pausing = undefined;
        resolve();
      };
      const timer = setTimeout(end, ms);
      timer.unref();
      pausing = { end, isWakeable };
    });
  }

  return {
    start() {
      running ??= run();
    },
    wake(latestSeq) {
      if (latestSeq !== undefined) headSeq = Math.max(headSeq, latestSeq);
      isWoken = true;
      if (pausing?.isWakeable) pausing.end();
    },
    async stop() {
      isStopping = true;
      pausing?.end();
      await sink.close();
      await running;
    },
    status() {
      return { sink: sink.name, cursorSeq, lagEntries: Math.max(0, headSeq - cursorSeq), ...(lastError === undefined ? {} : { lastError }) };
    },
  };
}

function toRecorded(row: StoredRow): RecordedAuditEntry {
  return { ...(row.entry as Omit<RecordedAuditEntry, "seq">), seq: row.seq };
}
