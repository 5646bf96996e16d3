import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AuditEntry } from "../audit/index.js";
import { migrate, openDatabase, type Database } from "../db/index.js";
import { createManualClock } from "../kernel/index.js";
import { createRedisConnection, type RedisConnection } from "../redis/index.js";
import { reachableRedisUrl, redisSkipReason } from "../testing/index.js";
import { createScratchPostgres } from "../testing/test-database.js";
import { createDatabaseCounterStore, createRateLimiter, createRedisCounterStore, rateLimitHeaders, retryAfterSeconds, windowOf, type CounterStore } from "./index.js";

const redisUrl = await reachableRedisUrl();
const network = { ip: "192.0.2.10", userAgent: "rate-limit-test" };
// Counters in Redis outlive a test run; a start time of its own keeps this run's windows apart from any other.
const uniqueStart = () => new Date(Date.UTC(2030, 0, 1) + Math.floor(Math.random() * 1e9) * 60_000);

/** Two nodes' stores over one backend: two Redis connections, or two database handles (one PGlite handle shared). */
interface Backend {
  nodes: [CounterStore, CounterStore];
  close(): Promise<void>;
}

async function databaseBackend(): Promise<Backend> {
  const postgres = await createScratchPostgres(process.env);
  const config = { dataDir: "", databaseUrl: postgres?.url, databasePoolSize: 8 };
  const first = await openDatabase(config, { memory: true });
  await migrate(first);
  const second: Database = postgres ? await openDatabase(config) : first;
  return {
    nodes: [createDatabaseCounterStore(first.kysely), createDatabaseCounterStore(second.kysely)],
    async close() {
      if (second !== first) await second.close();
      await first.close();
      await postgres?.drop();
    },
  };
}

async function redisBackend(): Promise<Backend> {
  const connections: RedisConnection[] = [createRedisConnection(redisUrl!, { warn: () => undefined }), createRedisConnection(redisUrl!, { warn: () => undefined })];
  return {
    nodes: [createRedisCounterStore(() => connections[0]!.client()), createRedisCounterStore(() => connections[1]!.client())],
    async close() {
      await Promise.all(connections.map((connection) => connection.close()));
    },
  };
}

for (const [name, open, skip] of [
  ["database", databaseBackend, false],
  ["redis", redisBackend, redisSkipReason(redisUrl)],
] as const) {
  describe(`${name} counter store`, { skip }, () => {
    let backend: Backend;
    before(async () => {
      backend = await open();
    });
    after(() => backend?.close());

    it("counts hits on a key within its window and starts over in the next window", async () => {
      const [store] = backend.nodes;
      const start = uniqueStart();
      const window = windowOf(start, 60_000);
      assert.deepEqual(await store.hit("ip:192.0.2.1", 60_000, start), { count: 1, resetAt: window.resetAt });
      assert.equal((await store.hit("ip:192.0.2.1", 60_000, new Date(start.getTime() + 59_000 - (start.getTime() % 60_000)))).count, 2);
      assert.equal((await store.hit("ip:192.0.2.2", 60_000, start)).count, 1, "keys count apart");
      const next = await store.hit("ip:192.0.2.1", 60_000, window.resetAt);
      assert.deepEqual(next, { count: 1, resetAt: new Date(window.resetAt.getTime() + 60_000) });
    });

    it("counts a key from zero again after a reset, in the same window", async () => {
      const [store] = backend.nodes;
      const now = uniqueStart();
      await store.hit("auth:lockout-candidate", 60_000, now);
      await store.hit("auth:lockout-candidate", 60_000, now);
      await store.reset("auth:lockout-candidate", 60_000, now);
      assert.equal((await store.hit("auth:lockout-candidate", 60_000, now)).count, 1);
    });

    it("gives 200 concurrent hits from two nodes the counts 1 to 200, each once (one counter, atomic)", async () => {
      const now = uniqueStart();
      const counts = await Promise.all(Array.from({ length: 200 }, (_, n) => backend.nodes[n % 2]!.hit("account:shared", 60_000, now)));
      assert.deepEqual(counts.map((count) => count.count).sort((a, b) => a - b), Array.from({ length: 200 }, (_, n) => n + 1));
    });
  });
}

describe("database counter store upkeep", () => {
  let backend: Backend;
  before(async () => {
    backend = await databaseBackend();
  });
  after(() => backend.close());

  it("removes windows that have ended, and only those", async () => {
    const [store] = backend.nodes;
    const start = uniqueStart();
    await store.hit("ip:old", 60_000, start);
    await store.hit("ip:current", 3_600_000, start);
    const later = new Date(windowOf(start, 60_000).resetAt.getTime() + 1);
    assert.equal(await store.purgeExpired(later), 1);
    assert.equal((await store.hit("ip:current", 3_600_000, later)).count, 2, "the running window kept its count");
    assert.equal((await store.hit("ip:old", 60_000, later)).count, 1);
  });
});

describe("rate limiter", () => {
  let backend: Backend;
  before(async () => {
    backend = await databaseBackend();
  });
  after(() => backend.close());

  function limiterWith(policies: Parameters<typeof createRateLimiter>[0]["policies"], clock = createManualClock(uniqueStart())) {
    const audited: AuditEntry[] = [];
    const errors: unknown[] = [];
    const limiter = createRateLimiter({ store: backend.nodes[0], clock, policies, audit: { record: async (entry) => void audited.push(entry) }, onError: (error) => void errors.push(error) });
    return { limiter, clock, audited, errors };
  }

  it("refuses the request after the limit, counts the account apart from the address, and lets the next window in (NET-1)", async () => {
    const { limiter, clock } = limiterWith({ ip: { limit: 100, windowMs: 60_000 }, account: { limit: 3, windowMs: 60_000 } });
    const who = { network, accountId: "a-1" };
    for (let n = 1; n <= 3; n += 1) {
      const [ip, account] = await limiter.charge([{ class: "ip", subject: "192.0.2.10" }, { class: "account", subject: "a-1" }], who);
      assert.equal(ip!.remaining, 100 - n);
      assert.deepEqual([account!.remaining, account!.exceeded], [3 - n, false]);
    }
    const refused = await limiter.charge([{ class: "account", subject: "a-1" }], who);
    assert.deepEqual([refused[0]!.remaining, refused[0]!.exceeded], [0, true]);
    // Another account behind the same address is untouched; so is the same account in the next window.
    assert.equal((await limiter.charge([{ class: "account", subject: "a-2" }], { network, accountId: "a-2" }))[0]!.exceeded, false);
    clock.advance(60_000);
    assert.equal((await limiter.charge([{ class: "account", subject: "a-1" }], who))[0]!.remaining, 2);
  });

  it("audits an over-limit subject once per window, with identifiers only", async () => {
    const { limiter, clock, audited } = limiterWith({ client: { limit: 2, windowMs: 60_000 } });
    const who = { network, accountId: "a-9", client: "app-1" };
    for (let n = 0; n < 6; n += 1) await limiter.charge([{ class: "client", subject: "app-1" }], who);
    assert.equal(audited.length, 1);
    assert.deepEqual(audited[0], {
      action: "defence.rate_limited",
      outcome: "denied",
      reasonCode: "rate_limit.client",
      actor: { accountId: "a-9", client: "app-1" },
      resource: { type: "RateLimit", id: "client" },
      network,
    });
    clock.advance(60_000);
    for (let n = 0; n < 4; n += 1) await limiter.charge([{ class: "client", subject: "app-1" }], who);
    assert.equal(audited.length, 2, "a new window may be audited again");
  });

  it("counts nothing for a class that is off", async () => {
    const { limiter } = limiterWith({ ip: { limit: 5, windowMs: 1000 } });
    assert.deepEqual(await limiter.charge([{ class: "auth", subject: "192.0.2.10" }], { network }), []);
  });

  it("lets requests through and reports the error when the store fails", async () => {
    const errors: unknown[] = [];
    const broken: CounterStore = { kind: "redis", hit: () => Promise.reject(new Error("connection refused")), reset: async () => undefined, purgeExpired: async () => 0 };
    const limiter = createRateLimiter({ store: broken, clock: createManualClock(), policies: { ip: { limit: 1, windowMs: 1000 } }, audit: { record: async () => undefined }, onError: (error) => void errors.push(error) });
    assert.deepEqual(await limiter.charge([{ class: "ip", subject: "192.0.2.10" }], { network }), []);
    assert.equal(errors.length, 1);
  });
});

describe("RateLimit header fields (draft-ietf-httpapi-ratelimit-headers-10)", () => {
  it("lists one policy and one state per class, and Retry-After until the exceeded window ends", () => {
    const now = new Date("2030-01-01T00:00:15Z");
    const states = [
      { class: "ip" as const, limit: 1200, windowMs: 60_000, remaining: 1100, resetAt: new Date("2030-01-01T00:01:00Z"), exceeded: false },
      { class: "account" as const, limit: 300, windowMs: 300_000, remaining: 0, resetAt: new Date("2030-01-01T00:05:00Z"), exceeded: true },
    ];
    assert.deepEqual(rateLimitHeaders(states, now), {
      "ratelimit-policy": `"ip";q=1200;w=60, "account";q=300;w=300`,
      ratelimit: `"ip";r=1100;t=45, "account";r=0;t=285`,
    });
    assert.equal(retryAfterSeconds(states, now), 285);
    assert.equal(rateLimitHeaders([], now), undefined);
  });
});
