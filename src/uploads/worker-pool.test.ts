import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { uploadCorpus } from "../testing/index.js";
import { createSanitiserPool } from "./worker-pool.js";

const limits = { maxBytes: 20 * 1024 * 1024, maxPixels: 50_000_000 };

describe("sanitiser pool (worker threads)", () => {
  it("sanitises files off the request thread", async () => {
    const pool = createSanitiserPool({ size: 2, timeoutMs: 10_000, limits });
    try {
      const outcomes = await Promise.all([pool.run(await uploadCorpus.jpegWithGps(), "image/jpeg"), pool.run(await uploadCorpus.pdf(2), "application/pdf"), pool.run(Buffer.from("ok"), "text/plain")]);
      assert.deepEqual(outcomes.map((outcome) => outcome.ok), [true, true, true]);
    } finally {
      await pool.close();
    }
  });

  it("terminates a worker that runs past the deadline, refuses its file, and keeps serving", async () => {
    const pool = createSanitiserPool({ size: 1, timeoutMs: 10_000, limits });
    try {
      // 49 megapixels: under the pixel limit, so it is decoded and re-encoded, which takes far more than 20 ms.
      const slow = uploadCorpus.pngBomb(7000, 7000);
      const started = Date.now();
      const outcome = await pool.run(slow, "image/png", { timeoutMs: 20 });
      assert.equal(outcome.ok, false);
      if (!outcome.ok) assert.equal(outcome.code, "uploads.timeout");
      assert.ok(Date.now() - started < 5000);
      assert.equal((await pool.run(Buffer.from("still here"), "text/plain")).ok, true);
    } finally {
      await pool.close();
    }
  });
});
