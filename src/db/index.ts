export { openDatabase, type Database, type Executor } from "./database.js";
export { migrate, pendingMigrations } from "./migrate.js";
export { isDatabaseUnavailable, isUniqueViolation } from "./errors.js";
export { DataFolderInUseError, lockDataFolder, type DataFolderHolder } from "./data-folder-lock.js";
export { embeddedServerVersion } from "./embedded-version.js";
