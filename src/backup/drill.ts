import { createAudit, type CheckpointPolicy } from "../audit/index.js";
import { createKeyring, type KmsProvider } from "../crypto/index.js";
import { openDatabase } from "../db/index.js";
import { systemClock } from "../kernel/index.js";
import { restoreDatabase } from "./restore.js";
import type { BackupSigningKey } from "./signing-key.js";
import { hashTables } from "./table-hashes.js";

export interface DrillReport {
  ok: boolean;
  file: string;
  tables: number;
  rows: number;
  tableMismatches: string[];
  audit: { intact: boolean; checked: number; checkpoints: number; problems: string[] };
  seconds: number;
}

/**
 * The restore drill: restores an archive into a scratch in-memory PGlite, recounts and rehashes every table
 * against the archive's manifest, opens the keyring with the archive's keys and verifies the audit chain and its
 * signed checkpoints as `mamori audit verify` does, against the exported checkpoint folders too (`checkpoints`):
 * only checkpoints exported after the archive's last one may be absent from it. Nothing touches the live database.
 */
export async function drillRestore(deps: {
  kms: KmsProvider;
  signingKey: BackupSigningKey;
  file: string;
  checkpoints?: Pick<CheckpointPolicy, "exportDir" | "peerDirs">;
  onProgress?: (progress: { table: string; rows: number }) => void;
}): Promise<DrillReport> {
  const started = performance.now();
  const scratch = await openDatabase({ dataDir: "", databaseUrl: undefined, databasePoolSize: 2 }, { memory: true });
  try {
    const restored = await restoreDatabase({ db: scratch, kms: deps.kms, signingKey: deps.signingKey, file: deps.file, ...(deps.onProgress ? { onProgress: deps.onProgress } : {}) });
    const rehashed = await hashTables(scratch);
    const tableMismatches = Object.keys({ ...restored.tables, ...rehashed }).filter(
      (table) => table !== "db_migration" && JSON.stringify(restored.tables[table]) !== JSON.stringify(rehashed[table]),
    );
    const keyring = await createKeyring({ db: scratch, kms: deps.kms, clock: systemClock });
    const audit = createAudit({
      db: scratch,
      keyring,
      clock: systemClock,
      batchWindowMs: 0,
      snapshot: true,
      checkpoints: { everyEntries: 1_000_000_000, everyMs: 3_600_000, exportDir: deps.checkpoints?.exportDir, peerDirs: deps.checkpoints?.peerDirs },
    });
    const report = await audit.verify();
    const rows = Object.values(rehashed).reduce((sum, table) => sum + table.rows, 0);
    return {
      ok: tableMismatches.length === 0 && report.intact,
      file: deps.file,
      tables: Object.keys(rehashed).length,
      rows,
      tableMismatches,
      audit: {
        intact: report.intact,
        checked: report.checked,
        checkpoints: report.checkpoints,
        problems: [
          ...(report.firstBroken ? [`entry ${report.firstBroken.seq}: ${report.firstBroken.problem}`] : []),
          ...report.checkpointProblems.map((problem) => `checkpoint ${problem.seq}${problem.file ? ` (${problem.file})` : ""}: ${problem.problem}`),
        ],
      },
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await scratch.close();
  }
}
