import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { freePort } from "../src/testing/free-port.js";

// `npm start` on a fresh machine: the first-start promises of the README, checked on the real command.
describe("mamori start on a fresh data folder", () => {
  let dataDir: string | undefined;
  after(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("creates the database, a 0600 master key and a certificate, serves HTTPS and prints a one-time setup link", { timeout: 60_000 }, async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "mamori-start-"));
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/mamori.ts", "start"], {
      env: { ...process.env, DATABASE_URL: "", MAMORI_DATA_DIR: dataDir, MAMORI_PORT: String(port), MAMORI_HOST: "127.0.0.1", MAMORI_LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no setup link printed:\n${output}`)), 50_000);
        child.stdout.on("data", () => {
          if (/setup#token=[\w-]{40,}/.test(output)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once("exit", (code) => reject(new Error(`exited with ${code}:\n${output}`)));
      });
      assert.match(output, /within 30 minutes/);
      assert.equal((await stat(path.join(dataDir, "master.key"))).mode & 0o777, 0o600);
      assert.equal((await stat(path.join(dataDir, "tls", "key.pem"))).mode & 0o777, 0o600);
      assert.ok((await stat(path.join(dataDir, "pglite"))).isDirectory());

      const status = await new Promise<number>((resolve, reject) => {
        https.get(`https://127.0.0.1:${port}/fhir/R4/metadata`, { rejectUnauthorized: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on("error", reject);
      });
      assert.equal(status, 200);
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  });
});

describe("mamori start with invalid settings", () => {
  it("stops with exit code 2 and names each invalid setting", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/mamori.ts", "start"], {
      env: { ...process.env, DATABASE_URL: "", MAMORI_PORT: "eighty", MAMORI_SESSION_IDLE_MINUTES: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    assert.equal(code, 2);
    assert.match(stderr, /MAMORI_PORT/);
    assert.match(stderr, /MAMORI_SESSION_IDLE_MINUTES/);
    assert.match(stderr, /docs\/configuration\.md/);
  });
});
