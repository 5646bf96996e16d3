export { openDatabase, type Database, type Executor } from "./database.js";
export { migrate } from "./migrate.js";
