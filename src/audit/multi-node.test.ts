import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { createKeyring, openLocalKeyFile } from "../crypto/index.js";
import { migrate, openDatabase } from "../db/index.js";
import { systemClock } from "../kernel/index.js";
import { createScratchPostgres } from "../testing/test-database.js";
import { createAudit, type AuditEntry } from "./index.js";

const entry = (node: string, n: number): AuditEntry => ({
  action: "fhir.read",
  outcome: "success",
  actor: { accountId: `${node}-${n}` },
  network: { ip: "127.0.0.1", userAgent: node },
});

// Several application nodes share one PostgreSQL database: the chain stays linear and the checkpoints agree.
describe("audit trail shared by two nodes", () => {
  it("keeps one verifiable chain when two nodes append and checkpoint at once", { skip: process.env["DATABASE_URL"] ? false : "needs DATABASE_URL (PostgreSQL)" }, async () => {
    const postgres = (await createScratchPostgres(process.env))!;
    const dir = await mkdtemp(path.join(os.tmpdir(), "mamori-nodes-"));
    const config = { dataDir: dir, databaseUrl: postgres.url, databasePoolSize: 8 };
    const [dbA, dbB] = [await openDatabase(config), await openDatabase(config)];
    try {
      await Promise.all([migrate(dbA), migrate(dbB)]);
      const kms = await openLocalKeyFile(path.join(dir, "master.key"));
      const [keyringA, keyringB] = await Promise.all([createKeyring({ db: dbA, kms, clock: systemClock }), createKeyring({ db: dbB, kms, clock: systemClock })]);
      assert.equal(keyringA.status().kekId, keyringB.status().kekId, "both nodes use one KEK");
      const checkpoints = { everyEntries: 50, everyMs: 3_600_000, exportDir: path.join(dir, "checkpoints") };
      const nodeA = createAudit({ db: dbA, keyring: keyringA, clock: systemClock, batchWindowMs: 0, checkpoints });
      const nodeB = createAudit({ db: dbB, keyring: keyringB, clock: systemClock, batchWindowMs: 0, checkpoints });
      nodeA.startCheckpoints();
      nodeB.startCheckpoints();
      const seqs = await Promise.all([
        ...Array.from({ length: 200 }, (_, n) => nodeA.record(entry("a", n))),
        ...Array.from({ length: 200 }, (_, n) => nodeB.record(entry("b", n))),
      ]);
      assert.deepEqual([...seqs].sort((x, y) => x - y), Array.from({ length: 400 }, (_, n) => n + 1));
      await Promise.all([nodeA.close(), nodeB.close()]);
      const report = await nodeA.verify();
      assert.equal(report.intact, true, JSON.stringify(report));
      assert.equal(report.checked, 400);
      assert.ok(report.checkpoints >= 1);
      assert.ok((await readdir(checkpoints.exportDir)).length >= 1);
    } finally {
      await dbA.close();
      await dbB.close();
      await postgres.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
