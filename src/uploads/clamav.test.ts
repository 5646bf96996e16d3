import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import type net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { scanWithClamd } from "./clamav.js";
import { startFakeClamd } from "../testing/fake-clamd.js";
import { eicarTestString } from "./eicar.js";

describe("clamd INSTREAM client", () => {
  let dir: string;
  let server: net.Server;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "mamori-clamd-"));
    server = await startFakeClamd(path.join(dir, "clamd.sock"));
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it("reports the signature clamd finds", async () => {
    const padded = Buffer.concat([Buffer.alloc(70_000, 0x20), Buffer.from(eicarTestString())]);
    assert.deepEqual(await scanWithClamd(path.join(dir, "clamd.sock"), padded, 2000), { infected: true, signature: "Eicar-Test-Signature" });
  });

  it("reports a clean file as clean", async () => {
    assert.deepEqual(await scanWithClamd(path.join(dir, "clamd.sock"), Buffer.from("clean"), 2000), { infected: false });
  });

  it("fails when clamd cannot be reached, so callers can fail closed", async () => {
    await assert.rejects(scanWithClamd(path.join(dir, "missing.sock"), Buffer.from("x"), 2000));
  });
});
