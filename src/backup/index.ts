export { backupDatabase, type BackupProgress, type BackupResult } from "./backup.js";
export { restoreDatabase, type RestoreResult } from "./restore.js";
export { drillRestore, type DrillReport } from "./drill.js";
export { archiveFileName, defaultRetention, generationsToKeep, pruneGenerations, type RetentionPolicy } from "./retention.js";
export { openBackupSigningKey, type BackupSigningKey } from "./signing-key.js";
export { verifyArchive } from "./archive-reader.js";
export { hashTables } from "./table-hashes.js";
export type { TableManifest } from "./table-hash.js";
