import { Redis } from "ioredis";

/** The Redis the tests use when it answers (MAMORI_TEST_REDIS_URL, else 127.0.0.1:6379); undefined otherwise. */
export async function reachableRedisUrl(): Promise<string | undefined> {
  const url = process.env["MAMORI_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG" ? url : undefined;
  } catch {
    return undefined;
  } finally {
    probe.disconnect();
  }
}

/** The reason a Redis test is skipped, or false when Redis answers. */
export function redisSkipReason(url: string | undefined): string | false {
  return url ? false : `no Redis reachable at ${process.env["MAMORI_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379"}: start one (or set MAMORI_TEST_REDIS_URL) to run this test`;
}
