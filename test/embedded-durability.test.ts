import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);
const commits = 30;

// The embedded database writes each acknowledged commit to disk before answering (保存性): with PGlite's defaults
// (fsync off, and no fsync in its Node.js file system) an strace showed no sync call across 50 acknowledged writes.
describe("embedded database durability", () => {
  it("syncs the WAL to disk at every commit (counted with strace)", { timeout: 120_000 }, async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), "mamori-durable-"));
    const script = `
      import { sql } from "kysely";
      import { openDatabase } from "./src/db/index.js";
      const db = await openDatabase({ dataDir: process.argv[1], databaseUrl: undefined, databasePoolSize: 1 });
      const settings = await sql\`select current_setting('fsync') as fsync, current_setting('wal_sync_method') as method\`.execute(db.kysely);
      await db.exec("create table durable_probe (n int)");
      process.stdout.write(JSON.stringify(settings.rows[0]) + "\\n");
      process.stdout.write("commits start\\n");
      for (let n = 0; n < ${commits}; n += 1) await sql\`insert into durable_probe values (\${n})\`.execute(db.kysely);
      await db.close();`;
    try {
      const { stdout, stderr } = await run("strace", ["-f", "-c", "-e", "trace=fsync,fdatasync", process.execPath, "--import", "tsx", "--input-type=module", "-e", script, folder], {
        env: { ...process.env, DATABASE_URL: "" },
        timeout: 110_000,
      });
      assert.deepEqual(JSON.parse(stdout.split("\n")[0]!), { fsync: "on", method: "fsync" });
      // strace -c prints a table: "% time  seconds  usecs/call  calls  errors  syscall".
      const calls = (name: string) => {
        const row = stderr.split("\n").find((line) => line.trim().split(/\s+/).at(-1) === name);
        // Columns: % time, seconds, usecs/call, calls, [errors,] syscall.
        return Number(row?.trim().split(/\s+/)[3] ?? 0);
      };
      assert.ok(calls("fsync") + calls("fdatasync") >= commits, `sync calls: ${stderr}`);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
