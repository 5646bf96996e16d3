import { readAuditEntriesAfter, type Audit } from "../audit/index.js";
import type { Database } from "../db/index.js";
import type { Clock } from "../kernel/index.js";
import { raiseAlert } from "./alerting.js";
import { createAuditQueryStore } from "../audit/query-store.js";
import { createCursorStore, createWindowStore } from "./store.js";
import type { Rule, RuleContext, RuleSettings } from "./types.js";
import { createWatchListStore } from "./watch-list-store.js";

export interface BatchResult {
  /** Entries read in this batch (0 when caught up). */
  evaluated: number;
  /** New alerts opened. */
  opened: number;
  /** True when another node holds the leader row and evaluated instead. */
  isBusy: boolean;
}

export interface EngineStatus {
  cursorSeq: number;
  lastError?: string;
}

const pruneEveryMs = 10 * 60_000;

/**
 * The detection engine: follows the audit trail by seq from its stored cursor, in batches. Each batch is one
 * transaction that locks the cursor row (the leader row: another node skips the round rather than wait), feeds the
 * entries to every enabled rule, raises alerts and responses, and moves the cursor, so a crash or restart never
 * evaluates an entry twice or skips one. The engine's own `ids.*` entries are not evaluated.
 */
export function createIdsEngine(deps: {
  db: Database;
  audit: Pick<Audit, "recordWithin">;
  clock: Clock;
  rules: ReadonlyArray<{ rule: Rule; settings: RuleSettings }>;
  batchSize: number;
  pollMs: number;
  signInStepMs: number;
  hasWebhook: boolean;
  /** Told after each committed batch that opened alerts (restriction caches, the webhook deliverer). */
  onAlerts?: () => void;
  onError?: (error: unknown) => void;
}) {
  const { db, clock } = deps;
  const rules = deps.rules.filter(({ settings }) => settings.enabled);
  const isWatchListOn = rules.some(({ rule }) => rule.id === "watch_list_access");
  let cursorSeq = 0;
  let lastError: string | undefined;
  let lastPruneAt = 0;
  let isStopping = false;
  let isWoken = false;
  let running: Promise<void> | undefined;
  let pausing: { end: () => void; isWakeable: boolean } | undefined;

  async function evaluateBatch(): Promise<BatchResult> {
    const result = await db.kysely.transaction().execute(async (trx): Promise<BatchResult> => {
      const cursor = createCursorStore(trx);
      const from = await cursor.lock();
      if (from === undefined) return { evaluated: 0, opened: 0, isBusy: true };
      cursorSeq = from;
      const entries = await readAuditEntriesAfter(trx, from, deps.batchSize);
      if (entries.length === 0) return { evaluated: 0, opened: 0, isBusy: false };
      const now = clock.now();
      const watched = isWatchListOn ? new Set((await createWatchListStore(trx).all()).map((patient) => patient.patientId)) : new Set<string>();
      const context: RuleContext = { windows: createWindowStore(trx), trail: createAuditQueryStore(trx), isWatched: (patientId) => watched.has(patientId) };
      // The engine's own entries (alerts, responses, state changes) would feed back into the rules; a refusal of the
      // security officer's queue to someone else is not the engine's doing and counts like any other denial.
      const relevant = entries.filter((entry) => !entry.action.startsWith("ids.") || entry.outcome === "denied");
      let opened = 0;
      if (relevant.length > 0) {
        for (const { rule, settings } of rules) {
          for (const finding of await rule.evaluate(relevant, context)) {
            if ((await raiseAlert(trx, deps, rule, settings, finding, now)).isNew) opened += 1;
          }
        }
      }
      if (now.getTime() - lastPruneAt >= pruneEveryMs) {
        for (const { rule } of rules) if (rule.retainMs > 0) await context.windows.prune(rule.id, new Date(now.getTime() - rule.retainMs));
        lastPruneAt = now.getTime();
      }
      await cursor.advance(entries.at(-1)!.seq, now);
      cursorSeq = entries.at(-1)!.seq;
      return { evaluated: entries.length, opened, isBusy: false };
    });
    if (result.opened > 0) deps.onAlerts?.();
    return result;
  }

  /** Evaluates until caught up with the trail (or another node has the lead); returns the entries evaluated. */
  async function catchUp(): Promise<number> {
    let total = 0;
    while (!isStopping) {
      const batch = await evaluateBatch();
      total += batch.evaluated;
      if (batch.isBusy || batch.evaluated < deps.batchSize) break;
    }
    return total;
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!isStopping) {
      isWoken = false;
      let waitMs = deps.pollMs;
      try {
        await catchUp();
        lastError = undefined;
        failures = 0;
      } catch (error) {
        if (isStopping) break;
        lastError = error instanceof Error ? error.message : String(error);
        failures += 1;
        waitMs = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        deps.onError?.(error);
      }
      await pause(waitMs, lastError === undefined);
    }
  }

  function pause(ms: number, isWakeable: boolean): Promise<void> {
    if (isStopping || (isWakeable && isWoken)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(end, ms);
      timer.unref();
      function end() {
        clearTimeout(timer);
        pausing = undefined;
        resolve();
      }
      pausing = { end, isWakeable };
    });
  }

  return {
    catchUp,
    start() {
      running ??= run();
    },
    /** New entries were appended: evaluate now rather than at the next poll. */
    wake() {
      isWoken = true;
      if (pausing?.isWakeable) pausing.end();
    },
    /** Ends the loop after the batch in flight (whose transaction commits or rolls back whole). */
    async stop() {
      isStopping = true;
      pausing?.end();
      await running;
    },
    async status(): Promise<EngineStatus> {
      cursorSeq = await createCursorStore(db.kysely).read();
      return { cursorSeq, ...(lastError === undefined ? {} : { lastError }) };
    },
  };
}

export type IdsEngine = ReturnType<typeof createIdsEngine>;
