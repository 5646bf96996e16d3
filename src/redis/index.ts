import { Redis } from "ioredis";
import type { Logger } from "pino";

/** The one Redis connection of a node, opened on first use so start-up never waits for Redis. */
export interface RedisConnection {
  /** The shared client; connects on the first call. */
  client(): Redis;
  /** Closes the connection if one was opened. */
  close(): Promise<void>;
}

/**
 * Creates the lazy Redis connection for `url` (redis:// or rediss://). Connection errors are logged with their
 * kind only: the URL may carry a password and is never logged.
 */
export function createRedisConnection(url: string, logger: Pick<Logger, "warn">): RedisConnection {
  let redis: Redis | undefined;
  let lastLoggedCode: string | undefined;
  return {
    client() {
      if (!redis) {
        redis = new Redis(url, {
          // Commands issued while disconnected fail fast instead of queueing: callers decide what to do.
          maxRetriesPerRequest: 1,
          // A stuck Redis must not hold requests: a command unanswered within a second fails.
          commandTimeout: 1000,
          connectionName: "mamori",
        });
        redis.on("error", (error: NodeJS.ErrnoException) => {
          // ioredis reports every failed reconnect; log a change of condition, not each retry.
          const code = error.code ?? error.name;
          if (code === lastLoggedCode) return;
          lastLoggedCode = code;
          logger.warn({ redisError: code }, "Redis connection error");
        });
        redis.on("ready", () => {
          lastLoggedCode = undefined;
        });
      }
      return redis;
    },
    async close() {
      if (!redis) return;
      const closing = redis;
      redis = undefined;
      try {
        await closing.quit();
      } catch {
        closing.disconnect();
      }
    },
  };
}
