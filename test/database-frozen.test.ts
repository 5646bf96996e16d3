import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startTestApp } from "../src/testing/index.js";

const pgliteOnly = process.env["DATABASE_URL"] ? "holds PGlite's single session to freeze the database" : false;

// Operations: a database that stops answering (frozen, a network path gone) must not stop the node answering its
// load balancer. Liveness never touches the database; readiness names it within its timeout.
describe("the database stops answering", () => {
  it("answers liveness at once and readiness 503 naming the database, then recovers", { skip: pgliteOnly, timeout: 60_000 }, async () => {
    const app = await startTestApp();
    try {
      const client = app.client();
      assert.equal((await client.get("/health/live")).status, 200);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let frozen!: () => void;
      const isFrozen = new Promise<void>((resolve) => (frozen = resolve));
      // PGlite has one session: holding it is a database that answers nothing until released.
      const holder = app.mamori.db.kysely.connection().execute(async () => {
        frozen();
        await held;
      });
      await isFrozen;
      // Past the blocked-address list's cache, so a request would read it again.
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      const started = performance.now();
      const live = await client.get("/health/live");
      const liveMs = performance.now() - started;
      assert.equal(live.status, 200);
      assert.ok(liveMs < 1_800, `liveness took ${Math.round(liveMs)} ms`);
      const ready = await client.get("/health/ready");
      assert.equal(ready.status, 503);
      assert.ok((ready.json.failing as string[]).includes("database"), ready.text);
      release();
      await holder;
      assert.equal((await client.get("/health/ready")).status, 200);
    } finally {
      await app.close();
    }
  });
});
