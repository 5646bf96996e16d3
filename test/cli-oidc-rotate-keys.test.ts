import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { loadConfig } from "../src/config/index.js";
import { openDatabase } from "../src/db/index.js";
import { createMamori } from "../src/main.js";
import { createScratchPostgres } from "../src/testing/test-database.js";

const run = promisify(execFile);

type KeyTable = { oidc_signing_key: { kid: string; status: string } };

// `mamori oidc rotate-keys` on the operator's own database: a new signer, the previous key still published.
describe("mamori oidc rotate-keys", () => {
  let dataDir: string;
  let env: Record<string, string>;
  let dropPostgres: (() => Promise<void>) | undefined;
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "mamori-cli-oidc-"));
    const postgres = await createScratchPostgres(process.env);
    dropPostgres = postgres?.drop;
    env = { MAMORI_DATA_DIR: dataDir, DATABASE_URL: postgres?.url ?? "" };
    // The first start creates the first signing key.
    await (await createMamori(loadConfig({ ...env, MAMORI_LOG_LEVEL: "silent" }), { logger: pino({ level: "silent" }) })).close();
  });
  after(async () => {
    await dropPostgres?.();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function keys(): Promise<Array<{ kid: string; status: string }>> {
    const db = await openDatabase(loadConfig(env));
    try {
      return await db.kysely.withTables<KeyTable>().selectFrom("oidc_signing_key").select(["kid", "status"]).execute();
    } finally {
      await db.close();
    }
  }

  it("makes a new active key, keeps the previous one published, and retires older ones", async () => {
    const [first] = await keys();
    assert.equal(first?.status, "active");
    for (let rotation = 0; rotation < 2; rotation += 1) {
      const { stdout } = await run(process.execPath, ["--import", "tsx", "src/cli/mamori.ts", "oidc", "rotate-keys"], { env: { ...process.env, ...env } });
      assert.match(stdout, /new signing key/);
    }
    const after = await keys();
    assert.equal(after.length, 3);
    assert.equal(after.filter((key) => key.status === "active").length, 1);
    assert.equal(after.filter((key) => key.status === "published").length, 1);
    assert.equal(after.find((key) => key.kid === first!.kid)?.status, "retired");
  });
});
