import assert from "node:assert/strict";
import { once } from "node:events";
import { describe, it } from "node:test";
import { reachableRedisUrl, redisSkipReason } from "../testing/index.js";
import { createRedisConnection } from "./index.js";

const redisUrl = await reachableRedisUrl();
const skip = redisSkipReason(redisUrl);

describe("redis connection", () => {
  it("opens no connection until first used", async () => {
    const connection = createRedisConnection("redis://127.0.0.1:1", { warn: () => assert.fail("nothing may be logged before first use") });
    await connection.close();
  });

  it("talks to Redis and closes on shutdown", { skip, timeout: 5000 }, async () => {
    const connection = createRedisConnection(redisUrl!, { warn: () => undefined });
    const client = connection.client();
    assert.equal(connection.client(), client, "one connection per node");
    assert.equal(await client.ping(), "PONG");
    const ended = once(client, "end");
    await connection.close();
    await ended;
    assert.equal(client.status, "end");
  });

  it("logs a connection error by its kind, never the URL or its password", async () => {
    const logged: unknown[] = [];
    const connection = createRedisConnection("redis://:s3cret-word@127.0.0.1:1", { warn: (...args: unknown[]) => void logged.push(args) });
    await assert.rejects(connection.client().ping());
    await connection.close();
    assert.ok(logged.length >= 1);
    const text = JSON.stringify(logged);
    assert.match(text, /ECONNREFUSED/);
    assert.doesNotMatch(text, /s3cret|127\.0\.0\.1:1/);
  });
});
