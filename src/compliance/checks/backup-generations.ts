import { outcome, type ComplianceCheck } from "../check.js";
import { listBackupArchives } from "../../backup/index.js";

/** BAK-1: several backup generations are kept (the offline copy itself is attested by the security officer). */
export const backupGenerations: ComplianceCheck = {
  id: "backup.generations",
  title: { ja: "バックアップの世代数", en: "Backup generations" },
  async run({ config }) {
    const archives = await listBackupArchives(config.backup.dir);
    const evidence = { generations: archives.length, minGenerations: config.compliance.backupMinGenerations, oldestAt: archives.at(-1)?.at.toISOString() ?? null, newestAt: archives[0]?.at.toISOString() ?? null };
    if (archives.length === 0) return outcome("not_met", "no backup archive found", evidence);
    return archives.length >= config.compliance.backupMinGenerations ? outcome("met", "enough generations kept", evidence) : outcome("partial", "fewer generations than required", evidence);
  },
};
