import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import pino from "pino";
import { loadConfig } from "../src/config/index.js";
import { openDatabase } from "../src/db/index.js";
import { createMamori } from "../src/main.js";
import { createScratchPostgres } from "../src/testing/test-database.js";

const run = promisify(execFile);

async function verify(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "src/cli/mamori.ts", "audit", "verify"], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// LOG-2: `mamori audit verify` on the operator's own database.
describe("mamori audit verify", () => {
  let dataDir: string;
  let env: Record<string, string>;
  let dropPostgres: (() => Promise<void>) | undefined;
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "mamori-cli-"));
    const postgres = await createScratchPostgres(process.env);
    dropPostgres = postgres?.drop;
    env = { MAMORI_DATA_DIR: dataDir, DATABASE_URL: postgres?.url ?? "" };
    const mamori = await createMamori(loadConfig({ ...env, MAMORI_LOG_LEVEL: "silent" }), { logger: pino({ level: "silent" }) });
    for (let n = 0; n < 12; n += 1) {
      await mamori.audit.record({ action: "auth.password", outcome: "failure", actor: {}, network: { ip: "127.0.0.1", userAgent: "cli-test" } });
    }
    await mamori.close();
  });
  after(async () => {
    await dropPostgres?.();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function tamper(statement: string): Promise<void> {
    const db = await openDatabase(loadConfig(env));
    try {
      await sql.raw(statement).execute(db.kysely);
    } finally {
      await db.close();
    }
  }

  it("reports the chain intact with the number of entries, and shows progress", async () => {
    const result = await verify(env);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /audit trail intact: 12 entries, last sequence 12/);
    assert.match(result.stderr, /12 \/ 12 entries/);
    // The service signed a checkpoint at shutdown and exported it: nothing to warn about.
    assert.doesNotMatch(result.stdout, /warning:/);
  });

  it("warns when no checkpoint folder is configured: an intact chain then proves less", async () => {
    const result = await verify({ ...env, MAMORI_AUDIT_CHECKPOINT_DIR: "none" });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /warning: no checkpoint folder is configured/);
  });

  it("exits 1 naming the first broken entry after a row is edited", async () => {
    await tamper(`update audit_entry set entry = jsonb_set(entry, '{outcome}', '"success"') where seq = 5`);
    const result = await verify(env);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /BROKEN at entry 5: content_altered/);
  });
});
