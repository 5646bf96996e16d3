import { Worker } from "node:worker_threads";
import type { SanitiseLimits, SanitiseOutcome } from "./sanitise.js";

interface Job {
  id: number;
  bytes: Uint8Array;
  declared: string;
  timeoutMs: number;
  resolve: (outcome: SanitiseOutcome) => void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
  /** Set once the worker has loaded its code: the deadline covers the file, not the thread's start-up. */
  isReady: boolean;
  timer: NodeJS.Timeout | undefined;
}

export interface SanitiserPool {
  /** Sanitises one file in a worker thread; a file that runs past the time limit is refused with `uploads.timeout`. */
  run(bytes: Uint8Array, declared: string, options?: { timeoutMs?: number }): Promise<SanitiseOutcome>;
  close(): Promise<void>;
}

const isTypeScript = import.meta.url.endsWith(".ts");
const workerUrl = new URL(`./sanitise-worker${isTypeScript ? ".ts" : ".js"}`, import.meta.url);
// Under tsx (Node 20) a worker's .ts entry is not seen by the inherited --import loader, so a one-line bootstrap
// registers tsx inside the worker first; compiled JavaScript needs none.
const workerEntry = isTypeScript ? `import("tsx/esm/api").then((api) => { api.register(); return import(${JSON.stringify(workerUrl.href)}); });` : workerUrl;

/**
 * A small pool of worker threads for sanitising, so a hostile file cannot stall the request thread: each job has
 * a deadline, and a worker that misses it (or crashes) is terminated and replaced, and its file refused.
 */
export function createSanitiserPool(options: { size: number; timeoutMs: number; limits: SanitiseLimits; heapLimitMb?: number }): SanitiserPool {
  const queue: Job[] = [];
  const slots: Slot[] = [];
  let nextId = 0;
  let closed = false;

  function spawn(): Slot {
    const worker = new Worker(workerEntry, {
      eval: isTypeScript,
      workerData: options.limits,
      resourceLimits: { maxOldGenerationSizeMb: options.heapLimitMb ?? 512 },
    });
    const slot: Slot = { worker, job: undefined, isReady: false, timer: undefined };
    worker.on("message", (message: { ready: true } | { id: number; outcome: SanitiseOutcome }) => {
      if ("ready" in message) {
        slot.isReady = true;
        pump();
        return;
      }
      if (slot.job?.id !== message.id) return;
      finish(slot, message.outcome);
    });
    // A crash (out of memory, native abort) refuses the file in hand and replaces the worker.
    worker.on("error", () => replace(slot, "uploads.invalid_file"));
    worker.on("exit", () => replace(slot, "uploads.invalid_file"));
    if (queue.length === 0) worker.unref();
    return slot;
  }

  function finish(slot: Slot, outcome: SanitiseOutcome): void {
    const job = slot.job;
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    job?.resolve(outcome);
    pump();
  }

  function replace(slot: Slot, code: "uploads.timeout" | "uploads.invalid_file"): void {
    const index = slots.indexOf(slot);
    if (index === -1) return;
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    slots.splice(index, 1);
    const job = slot.job;
    clearTimeout(slot.timer);
    job?.resolve({ ok: false, code, detected: undefined });
    if (!closed) slots.push(spawn());
    pump();
  }

  function pump(): void {
    if (closed) return;
    for (const slot of slots) {
      if (slot.job || !slot.isReady) continue;
      const job = queue.shift();
      if (!job) break;
      slot.job = job;
      slot.timer = setTimeout(() => replace(slot, "uploads.timeout"), job.timeoutMs);
      // Copy into a buffer of our own so it can be transferred without touching the caller's memory.
      const copy = new Uint8Array(job.bytes);
      slot.worker.postMessage({ id: job.id, bytes: copy, declared: job.declared }, [copy.buffer]);
    }
    // Idle workers must not keep the process alive; busy ones, or any while files wait, must.
    for (const slot of slots) {
      if (slot.job || queue.length > 0) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  return {
    run(bytes, declared, runOptions = {}) {
      if (closed) return Promise.resolve({ ok: false, code: "uploads.timeout", detected: undefined });
      // Workers start with the first file, not with the service: each loads the image and document libraries, which
      // cost start-up seconds of CPU that a node serving no uploads yet has better uses for. A job's deadline runs
      // from when a ready worker takes it, so the first file does not pay the workers' start against its time limit.
      if (slots.length === 0) for (let i = 0; i < options.size; i += 1) slots.push(spawn());
      return new Promise((resolve) => {
        nextId += 1;
        queue.push({ id: nextId, bytes, declared, timeoutMs: runOptions.timeoutMs ?? options.timeoutMs, resolve });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.resolve({ ok: false, code: "uploads.timeout", detected: undefined });
      await Promise.all(
        slots.splice(0).map(async (slot) => {
          slot.worker.removeAllListeners();
          clearTimeout(slot.timer);
          slot.job?.resolve({ ok: false, code: "uploads.timeout", detected: undefined });
          await slot.worker.terminate();
        }),
      );
    },
  };
}
