import { actorOf, type Audit } from "../audit/index.js";
import type { Database } from "../db/index.js";
import { AppError, type Principal } from "../kernel/index.js";
import { listBackupArchives } from "./archives.js";
import { createBackupStore } from "./store.js";

/** What an administrator sees of the backups: dates and counts, never an archive's content or keys (BAK-1, BAK-2). */
export interface BackupStatus {
  newestAt: Date | undefined;
  oldestAt: Date | undefined;
  /** Archives in the backup folder now. */
  generations: number;
  /** The fewest generations the compliance check accepts (MAMORI_COMPLIANCE_BACKUP_MIN_GENERATIONS). */
  minGenerations: number;
  /** The newest restore drill and whether it passed; undefined until one has run. */
  lastDrill: { at: Date; isPassed: boolean } | undefined;
}

export interface BackupStatusDeps {
  db: Database;
  audit: Pick<Audit, "record">;
  /** MAMORI_BACKUP_DIR. */
  dir: string;
  minGenerations: number;
  /** Asks the access policy whether the principal may see the backup status (Cedar action `read_backup_status`). */
  mayReadBackupStatus: (principal: Principal) => { allowed: boolean; reasonCode: string };
}

/** The administrator's view of backups and restore drills, authorized and audited per call (principal first). */
export function createBackupStatusReader(deps: BackupStatusDeps) {
  return {
    /**
     * The newest and oldest archive, how many are kept, and the last restore drill's time and result; audited as
     * `backup.status_read` before it is answered.
     * @throws {AppError} `access.denied` unless the policy allows `read_backup_status`.
     */
    async read(principal: Principal): Promise<BackupStatus> {
      const decision = deps.mayReadBackupStatus(principal);
      const entry = { action: "backup.status_read", reasonCode: decision.reasonCode, actor: actorOf(principal), resource: { type: "BackupStatus" }, network: principal.network };
      if (!decision.allowed) {
        await deps.audit.record({ ...entry, outcome: "denied" });
        throw new AppError("access.denied", { detail: decision.reasonCode });
      }
      const [archives, drill] = await Promise.all([listBackupArchives(deps.dir), createBackupStore(deps.db.kysely).lastDrill()]);
      await deps.audit.record({ ...entry, outcome: "success" });
      return {
        newestAt: archives[0]?.at,
        oldestAt: archives.at(-1)?.at,
        generations: archives.length,
        minGenerations: deps.minGenerations,
        lastDrill: drill && { at: drill.at, isPassed: drill.outcome === "success" },
      };
    },
  };
}

export type BackupStatusReader = ReturnType<typeof createBackupStatusReader>;
