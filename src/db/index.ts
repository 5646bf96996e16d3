export { openDatabase, type Database, type Executor } from "./database.js";
export { migrate, pendingMigrations } from "./migrate.js";
export { isUniqueViolation } from "./errors.js";
