import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import pino from "pino";
import { loadConfig } from "../src/config/index.js";
import { createMamori } from "../src/main.js";
import { createScratchPostgres } from "../src/testing/test-database.js";
import { runMamoriCli } from "../src/testing/mamori-cli.js";

const mamori = runMamoriCli;

// Issue item 4, end to end with the commands an operator runs: back up, restore onto a new node (new data folder,
// so a new checkpoint folder; the old one named as a peer), then `audit verify` and `backup drill` agree.
describe(`mamori restore, then audit verify and backup drill (${process.env["DATABASE_URL"] ? "PostgreSQL" : "PGlite"})`, () => {
  const cleanUp: Array<() => Promise<void>> = [];
  after(async () => {
    for (const step of cleanUp.reverse()) await step();
  });

  it("verifies the restored trail across the restore, and the drill passes the same archive", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "mamori-cli-restore-"));
    cleanUp.push(() => rm(root, { recursive: true, force: true }));
    const [sourcePostgres, targetPostgres] = [await createScratchPostgres(process.env), await createScratchPostgres(process.env)];
    for (const postgres of [sourcePostgres, targetPostgres]) if (postgres) cleanUp.push(postgres.drop);
    const oldNode = path.join(root, "old-node");
    const source = { MAMORI_DATA_DIR: oldNode, DATABASE_URL: sourcePostgres?.url ?? "", MAMORI_BACKUP_DIR: path.join(root, "backups") };
    const service = await createMamori(loadConfig({ ...source, MAMORI_LOG_LEVEL: "silent" }), { logger: pino({ level: "silent" }) });
    for (let n = 0; n < 12; n += 1) await service.audit.record({ action: "auth.password", outcome: "failure", actor: {}, network: { ip: "127.0.0.1", userAgent: "cli-test" } });
    await service.close(); // signs the last checkpoint
    assert.equal((await mamori(["backup"], source)).code, 0);
    const [archive] = await readdir(source.MAMORI_BACKUP_DIR);
    const file = path.join(source.MAMORI_BACKUP_DIR, archive!);

    const target = {
      MAMORI_DATA_DIR: path.join(root, "new-node"),
      DATABASE_URL: targetPostgres?.url ?? "",
      MAMORI_MASTER_KEY_FILE: path.join(oldNode, "master.key"),
      MAMORI_BACKUP_SIGNING_KEY_FILE: path.join(oldNode, "backup-signing.key"),
      MAMORI_AUDIT_CHECKPOINT_PEER_DIRS: path.join(oldNode, "audit-checkpoints"),
    };
    assert.equal((await mamori(["restore", file], target)).code, 0);
    const verified = await mamori(["audit", "verify"], target);
    assert.equal(verified.code, 0, verified.stdout);
    assert.ok(verified.stdout.includes("audit trail intact"), verified.stdout);
    const drill = await mamori(["backup", "drill", file], target);
    assert.equal(drill.code, 0, drill.stdout);
    assert.ok(drill.stdout.includes("restore drill PASSED"), drill.stdout);
  });
});
