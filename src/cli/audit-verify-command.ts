import { createAudit } from "../audit/index.js";
import type { Config } from "../config/index.js";
import { createKeyring, openKms } from "../crypto/index.js";
import { migrate, openDatabase } from "../db/index.js";
import { systemClock } from "../kernel/index.js";

/** `mamori audit verify`: checks the chain and the signed checkpoints; exit 1 naming the first broken entry. */
export async function runAuditVerify(config: Readonly<Config>): Promise<number> {
  const db = await openDatabase(config);
  try {
    await migrate(db);
    const keyring = await createKeyring({ db, kms: await openKms(config), clock: systemClock });
    const audit = createAudit({ db, keyring, clock: systemClock, batchWindowMs: 0, checkpoints: config.audit.checkpoints });
    const startedAt = performance.now();
    const interactive = process.stderr.isTTY;
    const report = await audit.verify((checked, total) => {
      const line = `verifying audit trail: ${checked} / ${total} entries`;
      process.stderr.write(interactive ? `\r${line}` : `${line}\n`);
    });
    if (interactive) process.stderr.write("\n");
    const seconds = (performance.now() - startedAt) / 1000;
    const rate = Math.round(report.checked / Math.max(seconds, 0.001));
    if (report.intact) {
      process.stdout.write(
        `audit trail intact: ${report.checked} entries, last sequence ${report.lastSeq}, ${report.checkpoints} signed checkpoints, verified in ${seconds.toFixed(2)} s (${rate} entries/s)\n`,
      );
      // Not evidence of tampering, but worth knowing: files still to be written, checkpoints a restore replaced.
      for (const problem of report.checkpointProblems) process.stdout.write(`note: checkpoint ${problem.seq}${problem.file ? ` (${problem.file})` : ""}: ${problem.problem}\n`);
      // Intact is then only the chain agreeing with itself, which anyone who can write the rows can recompute.
      if (report.checked > 0 && report.checkpoints === 0) process.stdout.write("warning: no signed checkpoint covers these entries; the chain agrees with itself but nothing signed vouches for it\n");
      if (!config.audit.checkpoints.exportDir) process.stdout.write("warning: no checkpoint folder is configured (MAMORI_AUDIT_CHECKPOINT_DIR=none): checkpoints deleted from the database together with entries would go unnoticed\n");
      return 0;
    }
    if (report.firstBroken) {
      process.stdout.write(`audit trail BROKEN at entry ${report.firstBroken.seq}: ${report.firstBroken.problem} (${report.checked} entries before it verified)\n`);
    }
    for (const problem of report.checkpointProblems) {
      process.stdout.write(`checkpoint ${problem.seq}${problem.file ? ` (${problem.file})` : ""}: ${problem.problem}\n`);
    }
    return 1;
  } finally {
    await db.close();
  }
}
