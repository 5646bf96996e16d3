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

// The README's `npm start` runs on the project's own Node.js LTS (the `node` dependency), not the machine's, and
// starts without a warning (oidc-provider warned "Unsupported runtime" on the end-of-life Node.js 20).
describe("npm start", () => {
  it("runs the service on the project's supported Node.js LTS and prints no warning", { timeout: 180_000 }, async () => {
    const runtime = await new Promise<string>((resolve, reject) => {
      const probe = spawn("npm", ["exec", "--no", "--", "node", "--version"], { stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      probe.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      probe.once("exit", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`npm exec node exited ${code}`))));
    });
    assert.ok(Number(/^v(\d+)\./.exec(runtime)?.[1]) >= 24, `npm scripts run on ${runtime}`);

    const dataDir = await mkdtemp(path.join(os.tmpdir(), "mamori-npm-start-"));
    const port = await freePort();
    const child = spawn("npm", ["start"], {
      env: { ...process.env, DATABASE_URL: "", MAMORI_DATA_DIR: dataDir, MAMORI_PORT: String(port), MAMORI_HOST: "127.0.0.1", MAMORI_LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no setup link printed:\n${stdout}\n${stderr}`)), 170_000);
        child.stdout.on("data", () => {
          if (/setup#token=[\w-]{40,}/.test(stdout)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once("exit", (code) => reject(new Error(`exited with ${code}:\n${stdout}\n${stderr}`)));
      });
      assert.doesNotMatch(`${stdout}\n${stderr}`, /warn|Unsupported runtime|deprecat/i);
    } finally {
      // npm runs the service as a child of its own: end the whole group.
      process.kill(-child.pid!, "SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
