/** Capped exponential backoff: each failure doubles the wait, up to a ceiling; a success starts over. */
export interface Backoff {
  /** The wait before the next attempt, doubling each call up to the cap. */
  next(): number;
  reset(): void;
}

/** Creates a backoff starting at `initialMs` and never exceeding `maxMs` (defaults 0.5 s → 30 s). */
export function createBackoff(options: { initialMs?: number; maxMs?: number } = {}): Backoff {
  const initialMs = options.initialMs ?? 500;
  const maxMs = options.maxMs ?? 30_000;
  let current = initialMs;
  return {
    next() {
      const wait = current;
      current = Math.min(current * 2, maxMs);
      return Math.min(wait, maxMs);
    },
    reset() {
      current = initialMs;
    },
  };
}
