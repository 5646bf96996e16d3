import type { Database, Executor } from "../db/index.js";
import { AppError, type Clock } from "../kernel/index.js";
import { linkHash, normaliseEntry } from "./chain.js";
import type { AuditEntry, RecordedAuditEntry } from "./entry.js";
import { createAuditStore, type StoredRow } from "./store.js";

interface Pending {
  entry: AuditEntry;
  at: Date;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

/** Audit entries of one caller transaction, appended together as its last step (`AuditWriter.transaction`). */
export interface AuditBatch {
  /** Keeps an entry for the append at the end of the transaction; its time is taken now. */
  add(entry: AuditEntry): void;
}

export interface AuditWriter {
  /** Appends an entry; resolves once it is committed (group commit with concurrent callers). */
  record(entry: AuditEntry): Promise<number>;
  /** Appends an entry inside the caller's transaction, so the change and its audit entry commit or fail together. */
  recordWithin(executor: Executor, entry: AuditEntry): Promise<number>;
  /**
   * Runs `work` in a database transaction and appends the entries it adds to the batch as the transaction's last
   * step, in one insert. The chain head row is then locked only from that append to the commit, not for the whole
   * transaction, so concurrent writers of many records do not queue behind each other's work.
   */
  transaction<T>(work: (trx: Executor, batch: AuditBatch) => Promise<T>): Promise<T>;
  /** Waits for every accepted entry to be committed. */
  flush(): Promise<void>;
  onAppend(listener: (entries: readonly RecordedAuditEntry[]) => void): void;
  /** Observes each group commit: entries in it, seconds it took, whether it committed (metrics). */
  onCommit(listener: (commit: { size: number; seconds: number; ok: boolean }) => void): void;
  /** Entries accepted and not yet committed. */
  queueDepth(): number;
  /**
   * False for a while after a group commit failed (until one succeeds, or 10 s pass: a node out of rotation gets no
   * requests that could show it recovered; the database check of readiness covers the rest), and while the backlog
   * is far beyond one batch (readiness).
   */
  accepting(): boolean;
}

const maxBatch = 500;
const failureMemoryMs = 10_000;

/**
 * The audit writer, with group commit in the leader/follower style: the first entry commits at once, and entries
 * arriving while a commit is in flight are committed together in the next one, so a lone request pays no wait
 * and a busy node pays one commit per batch. `batchWindowMs` adds a wait before each commit, for databases far
 * enough away that gathering longer pays. The chain head row lock keeps the chain linear across nodes.
 */
export function createAuditWriter(deps: { db: Database; clock: Clock; batchWindowMs: number }): AuditWriter {
  const { db, clock, batchWindowMs } = deps;
  const listeners: Array<(entries: readonly RecordedAuditEntry[]) => void> = [];
  let queue: Pending[] = [];
  let running: Promise<void> | undefined;
  const commitListeners: Array<(commit: { size: number; seconds: number; ok: boolean }) => void> = [];
  let lastFailureAt: number | undefined;
  const observeCommit = (size: number, startedAt: number, ok: boolean) => {
    lastFailureAt = ok ? undefined : clock.now().getTime();
    const seconds = (performance.now() - startedAt) / 1000;
    for (const listener of commitListeners) listener({ size, seconds, ok });
  };

  async function appendRows(executor: Executor, batch: Array<{ entry: AuditEntry; at: Date }>): Promise<RecordedAuditEntry[]> {
    const store = createAuditStore(executor);
    const head = await store.lockHead();
    let previous = head.hash;
    const rows: StoredRow[] = [];
    const recorded: RecordedAuditEntry[] = [];
    batch.forEach((item, index) => {
      const seq = head.seq + index + 1;
      const stored = normaliseEntry({ ...item.entry, at: item.at.toISOString() });
      const hash = linkHash(previous, seq, stored);
      rows.push({ seq, recordedAt: item.at, entry: stored, prevHash: previous, hash });
      recorded.push({ ...stored, seq });
      previous = hash;
    });
    await store.append(rows, { seq: head.seq + batch.length, hash: previous });
    return recorded;
  }

  function announce(recorded: RecordedAuditEntry[]): void {
    for (const listener of listeners) {
      try {
        listener(recorded);
      } catch {
        // A subscriber's fault must not undo or delay a committed entry.
      }
    }
  }

  async function drain(): Promise<void> {
    if (batchWindowMs > 0) await new Promise((resolve) => setTimeout(resolve, batchWindowMs));
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      const startedAt = performance.now();
      try {
        const recorded = await db.kysely.transaction().execute((trx) => appendRows(trx, batch));
        observeCommit(batch.length, startedAt, true);
        batch.forEach((item, index) => item.resolve(recorded[index]!.seq));
        announce(recorded);
      } catch (cause) {
        observeCommit(batch.length, startedAt, false);
        const error = new AppError("audit.unavailable", { detail: "audit batch commit failed", cause });
        for (const item of batch) item.reject(error);
      }
    }
  }

  function schedule(): void {
    running ??= drain().finally(() => {
      running = undefined;
      if (queue.length > 0) schedule();
    });
  }

  return {
    record(entry) {
      return new Promise<number>((resolve, reject) => {
        queue.push({ entry, at: clock.now(), resolve, reject });
        schedule();
      });
    },
    async recordWithin(executor, entry) {
      const [recorded] = await appendRows(executor, [{ entry, at: clock.now() }]);
      // Announced before the caller's commit; listeners only observe, so a later rollback costs a false alarm at most.
      announce([recorded!]);
      return recorded!.seq;
    },
    transaction(work) {
      return db.kysely.transaction().execute(async (trx) => {
        const gathered: Array<{ entry: AuditEntry; at: Date }> = [];
        const result = await work(trx, { add: (entry) => gathered.push({ entry, at: clock.now() }) });
        if (gathered.length > 0) announce(await appendRows(trx, gathered));
        return result;
      });
    },
    async flush() {
      while (running) await running;
    },
    onAppend(listener) {
      listeners.push(listener);
    },
    onCommit(listener) {
      commitListeners.push(listener);
    },
    queueDepth: () => queue.length,
    accepting: () => queue.length <= 10 * maxBatch && (lastFailureAt === undefined || clock.now().getTime() - lastFailureAt > failureMemoryMs),
  };
}
