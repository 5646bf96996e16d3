/**
 * Cost of the rate limiter per request, measured with app.inject (no TLS, no network) on a signed-in GET
 * /api/session, which the limiter charges twice (address before authentication, account after it):
 *   off        every MAMORI_RATE_LIMIT_* class off
 *   database   counters in the app's database (PGlite, or PostgreSQL with DATABASE_URL)
 *   redis      counters in Redis (REDIS_URL, default redis://127.0.0.1:6379; skipped when unreachable)
 * and one counter hit alone, straight on each store (no HTTP), which is what the limiter adds per counted class.
 * Run: npx tsx bench/rate-limit.ts (DATABASE_URL=… for PostgreSQL).
 */
import { createDatabaseCounterStore, createRedisCounterStore, type CounterStore } from "../src/rate-limit/index.js";
import { createRedisConnection } from "../src/redis/index.js";
import { openTestDatabase, reachableRedisUrl, startTestApp } from "../src/testing/index.js";

const total = Number(process.env["BENCH_REQUESTS"] ?? 2000);
const generous = "1000000/1h";
const redisUrl = await reachableRedisUrl();

interface Target {
  label: string;
  once(): Promise<number>;
  close(): Promise<void>;
}

async function target(label: string, env: Record<string, string>): Promise<Target> {
  const app = await startTestApp({ env: { MAMORI_LOG_LEVEL: "silent", ...env } });
  const doctor = await app.signedInUser("doctor");
  const cookie = [...doctor.client.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  return {
    label,
    async once() {
      const started = process.hrtime.bigint();
      const response = await app.mamori.app.inject({ method: "GET", url: "/api/session", headers: { cookie }, remoteAddress: "192.0.2.200" });
      if (response.statusCode !== 200) throw new Error(`unexpected ${response.statusCode}`);
      return Number(process.hrtime.bigint() - started) / 1000;
    },
    close: () => app.close(),
  };
}

const off = { MAMORI_RATE_LIMIT_IP: "off", MAMORI_RATE_LIMIT_ACCOUNT: "off", MAMORI_RATE_LIMIT_AUTH: "off", MAMORI_RATE_LIMIT_CLIENT: "off" };
const on = { MAMORI_RATE_LIMIT_IP: generous, MAMORI_RATE_LIMIT_ACCOUNT: generous };
const targets = [await target("off", off), await target("database", on)];
if (redisUrl) targets.push(await target("redis", { ...on, REDIS_URL: redisUrl }));
else console.log("redis: skipped, no Redis reachable");

// One configuration at a time: an app awaiting Redis would otherwise run the other apps' leftover work meanwhile.
const times = targets.map(() => [] as number[]);
try {
  for (const [i, t] of targets.entries()) {
    for (let n = 0; n < 200; n += 1) await t.once();
    for (let n = 0; n < total; n += 1) times[i]!.push(await t.once());
  }
} finally {
  for (const t of targets) await t.close();
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const p90 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)]!;
const database = process.env["DATABASE_URL"] ? "postgresql" : "pglite";
console.log(`\nRate limiter overhead, ${database}, ${total} signed-in GET /api/session per store via app.inject (2 counters each)\n`);
console.log("store      median µs    p90 µs   overhead (median) µs");
for (const [i, t] of targets.entries()) {
  console.log(`${t.label.padEnd(10)} ${median(times[i]!).toFixed(0).padStart(9)} ${p90(times[i]!).toFixed(0).padStart(9)} ${(median(times[i]!) - median(times[0]!)).toFixed(0).padStart(12)}`);
}

/** Median and p90 of one `hit` on a store, sequentially, on a key of its own. */
async function hitTimes(store: CounterStore): Promise<[number, number]> {
  const now = new Date(Date.UTC(2040, 0, 1) + Math.floor(Math.random() * 1e6) * 3_600_000);
  const values: number[] = [];
  for (let n = 0; n < 200 + total; n += 1) {
    const started = process.hrtime.bigint();
    await store.hit("bench", 3_600_000, now);
    if (n >= 200) values.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  return [median(values), p90(values)];
}

const db = await openTestDatabase();
const hitRows: Array<[string, [number, number]]> = [[`database (${db.kind})`, await hitTimes(createDatabaseCounterStore(db.kysely))]];
await db.close();
if (redisUrl) {
  const connection = createRedisConnection(redisUrl, { warn: () => undefined });
  hitRows.push(["redis", await hitTimes(createRedisCounterStore(() => connection.client()))]);
  await connection.close();
}
console.log(`\nOne counter hit on the store itself, ${total} sequential\n`);
console.log("store                  median µs    p90 µs");
for (const [label, [mid, high]] of hitRows) console.log(`${label.padEnd(22)} ${mid.toFixed(0).padStart(9)} ${high.toFixed(0).padStart(9)}`);
