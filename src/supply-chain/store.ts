import { sql } from "kysely";
import type { Executor } from "../db/index.js";

/** SQL of the supply-chain module: only what the EOL report needs to know about the database server. */
export function createSupplyChainStore(executor: Executor) {
  return {
    /** `server_version` of the connected server (PGlite reports the PostgreSQL it bundles). */
    async serverVersion(): Promise<string | undefined> {
      const result = await sql<{ server_version: string }>`show server_version`.execute(executor);
      return result.rows[0]?.server_version;
    },
  };
}
