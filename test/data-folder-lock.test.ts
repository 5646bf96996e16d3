import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { DataFolderInUseError, lockDataFolder } from "../src/db/index.js";
import { buildPatient, childDataDir, createHttpsFetch, startChildServer, type ChildServerReady } from "../src/testing/index.js";

const run = promisify(execFile);

/** Runs a README command (`npm run mamori -- …`) on the embedded database of `dataDir`. */
async function mamori(args: string[], dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "src/cli/mamori.ts", ...args], {
      env: { ...process.env, MAMORI_DATA_DIR: dataDir, DATABASE_URL: "", MAMORI_LOG_LEVEL: "silent" },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The PID of a process that has run and ended: a lock naming it was left by a crash. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

// One writer per embedded database: a second process opening a PGlite data folder corrupts it.
describe("embedded data folder lock", () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), "mamori-lock-"));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it("lets one holder in at a time and names it to the next", async () => {
    const first = await lockDataFolder(folder, "mamori start");
    await assert.rejects(lockDataFolder(folder, "mamori backup"), (error: unknown) => {
      assert.ok(error instanceof DataFolderInUseError);
      assert.equal(error.holder.pid, process.pid);
      assert.ok(error.message.includes(`PID ${process.pid}, "mamori start"`), error.message);
      return true;
    });
    await first.release();
    const second = await lockDataFolder(folder, "mamori backup");
    await second.release();
  });

  it("takes over a lock left by a process that died, and one whose PID now belongs to a later process", async () => {
    const lockPath = path.join(folder, "mamori.lock");
    await writeFile(lockPath, JSON.stringify({ pid: await deadPid(), processStart: "1", host: os.hostname(), purpose: "mamori start", since: "2026-01-01T00:00:00Z" }));
    const afterCrash = await lockDataFolder(folder, "mamori start");
    assert.equal(JSON.parse(await readFile(lockPath, "utf8")).pid, process.pid);
    await afterCrash.release();
    // Our own PID with another start time: the PID was reused after the holder died.
    await writeFile(lockPath, JSON.stringify({ pid: process.pid, processStart: "1", host: os.hostname(), purpose: "mamori start", since: "2026-01-01T00:00:00Z" }));
    const afterReuse = await lockDataFolder(folder, "mamori start");
    await afterReuse.release();
  });

  it("lets exactly one of many processes racing for a stale lock win", async () => {
    const lockPath = path.join(folder, "mamori.lock");
    await writeFile(lockPath, JSON.stringify({ pid: await deadPid(), processStart: "1", host: os.hostname(), purpose: "mamori start", since: "2026-01-01T00:00:00Z" }));
    const script = `import { lockDataFolder } from "./src/db/index.js";
      try { await lockDataFolder(process.argv[1], "race"); process.stdout.write("won"); await new Promise((r) => setTimeout(r, 3000)); }
      catch { process.stdout.write("lost"); }`;
    const racers = await Promise.all(
      Array.from({ length: 4 }, () => run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, folder], { timeout: 60_000 }).then((result) => result.stdout)),
    );
    assert.deepEqual(racers.filter((outcome) => outcome === "won").length, 1, racers.join(","));
  });
});

describe("README commands beside a running server on the embedded database", () => {
  it("refuses every command that opens the database while the server holds it, and the data stays intact", { timeout: 300_000 }, async () => {
    const dataDir = await childDataDir("lock");
    try {
      const server = await startChildServer<ChildServerReady>("test/fixtures/shutdown-server.ts", dataDir, { DATABASE_URL: "" });
      try {
        for (const args of [["audit", "verify"], ["backup"], ["keys", "rotate"], ["generate", "--patients", "1", "--as", "nobody@example.org"], ["oidc", "rotate-keys"]]) {
          const result = await mamori(args, dataDir);
          assert.equal(result.code, 1, `${args.join(" ")}: ${result.stdout}${result.stderr}`);
          assert.ok(result.stderr.includes(`in use by another Mamori process (PID ${server.child.pid}`), `${args.join(" ")}: ${result.stderr}`);
        }
        // The server kept serving: a write after the refused commands is acknowledged and read back.
        const fetchHttps = createHttpsFetch(server.ready.cert);
        const headers = { cookie: server.ready.cookie, "content-type": "application/fhir+json", origin: server.ready.baseUrl };
        const created = await fetchHttps(`${server.ready.baseUrl}/fhir/R4/Patient`, { method: "POST", headers, body: JSON.stringify(buildPatient()) });
        assert.equal(created.status, 201, await created.text());
      } finally {
        server.child.kill("SIGTERM");
        assert.equal(await server.exited, 0, server.stderr());
      }
      const verified = await mamori(["audit", "verify"], dataDir);
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
      assert.match(verified.stdout, /audit trail intact/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
