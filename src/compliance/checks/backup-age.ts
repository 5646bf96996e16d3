import { outcome, type ComplianceCheck } from "../check.js";
import { listBackupArchives } from "../../backup/index.js";

/** BAK-1: the newest backup archive is recent enough. */
export const backupAge: ComplianceCheck = {
  id: "backup.age",
  title: { ja: "最新バックアップの経過時間", en: "Age of the newest backup" },
  async run({ config, clock }) {
    const [newest] = await listBackupArchives(config.backup.dir);
    if (!newest) return outcome("not_met", "no backup archive found", { backupDir: "MAMORI_BACKUP_DIR", archives: 0 });
    const ageHours = Math.floor((clock.now().getTime() - newest.at.getTime()) / 3_600_000);
    const evidence = { newestBackupAt: newest.at.toISOString(), ageHours, maxAgeHours: config.compliance.backupMaxAgeMs / 3_600_000 };
    return clock.now().getTime() - newest.at.getTime() <= config.compliance.backupMaxAgeMs ? outcome("met", "recent backup", evidence) : outcome("not_met", "the newest backup is too old", evidence);
  },
};
