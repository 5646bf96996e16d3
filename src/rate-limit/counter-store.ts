/** How many hits a key has in its current window, and when that window ends. */
export interface WindowCount {
  count: number;
  resetAt: Date;
}

/**
 * Fixed-window hit counters shared by every node. One atomic step per hit, so two nodes counting the same key
 * see one sequence 1, 2, 3…; lockout counters and other per-key budgets can use the same interface.
 */
export interface CounterStore {
  readonly kind: "redis" | "database";
  /** Counts one hit on `key` in the window of length `windowMs` that contains `now`; returns the count so far. */
  hit(key: string, windowMs: number, now: Date): Promise<WindowCount>;
  /** Sets `key`'s count in the window containing `now` back to zero, e.g. after a successful sign-in. */
  reset(key: string, windowMs: number, now: Date): Promise<void>;
  /** Forgets windows that ended before `now`; returns how many were removed (0 where the store expires them itself). */
  purgeExpired(now: Date): Promise<number>;
}

/** The fixed window containing `now`, aligned to the epoch so that every node computes the same one. */
export function windowOf(now: Date, windowMs: number): { start: Date; resetAt: Date } {
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  return { start: new Date(start), resetAt: new Date(start + windowMs) };
}
