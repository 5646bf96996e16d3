import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { windowOf, type CounterStore } from "./counter-store.js";

const keyPrefix = "mamori:rate:";

// INCR and PEXPIRE in one script, so the first hit of a window can never leave a counter without expiry (a crash
// between two separate commands would) and every node's hit is one atomic step.
const hitScript = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;
const hitScriptSha = createHash("sha1").update(hitScript).digest("hex");

/**
 * Counters in Redis. The window comes from the caller's clock and is part of the key, so every node agrees on the
 * window and the TTL only collects old keys; the counter of a window lives a little past its end.
 */
export function createRedisCounterStore(redis: () => Redis): CounterStore {
  return {
    kind: "redis",
    async hit(key, windowMs, now) {
      const window = windowOf(now, windowMs);
      const ttlMs = Math.max(1, window.resetAt.getTime() - now.getTime()) + 1000;
      const counterKey = counterKeyOf(key, window.start);
      const client = redis();
      // EVALSHA sends 40 bytes instead of the script; Redis forgets scripts on restart, hence the fallback.
      const count = await client.evalsha(hitScriptSha, 1, counterKey, ttlMs).catch((error: unknown) => {
        if (error instanceof Error && error.message.startsWith("NOSCRIPT")) return client.eval(hitScript, 1, counterKey, ttlMs);
        throw error;
      });
      return { count: Number(count), resetAt: window.resetAt };
    },
    async reset(key, windowMs, now) {
      await redis().del(counterKeyOf(key, windowOf(now, windowMs).start));
    },
    async purgeExpired() {
      return 0;
    },
  };
}

function counterKeyOf(key: string, windowStart: Date): string {
  return `${keyPrefix}${key}:${windowStart.getTime()}`;
}
