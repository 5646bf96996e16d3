import { constants } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Config } from "../config/index.js";
import { lockDataFolder } from "./data-folder-lock.js";
import { DurableNodeFS, durableStartParams } from "./durable-nodefs.js";
import { createPglitePool } from "./pglite-pool.js";

/** Kysely over no declared tables: each module's store declares its own with `withTables`. */
export type Executor = Kysely<object>;

/** The database handle every module's store is given. */
export interface Database {
  readonly kind: "pglite" | "postgresql";
  readonly kysely: Executor;
  /** Runs plain SQL that may hold several statements (migrations). */
  exec(script: string): Promise<void>;
  /** Connections of the PostgreSQL pool (metrics); undefined on PGlite, which has one in-process connection. */
  poolStats?(): { total: number; idle: number; waiting: number; max: number };
  /** An archive of the embedded database's data folder, which `openDatabase`'s `startFrom` opens again; PGlite only. */
  archiveDataFolder?(): Promise<Blob>;
  close(): Promise<void>;
}

// pg returns int8 as a string to be safe with huge numbers; our int8 columns (sequence numbers) stay well
// below 2^53, and PGlite already returns numbers, so both sides agree on number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/**
 * Opens the embedded PGlite database in the data folder, or PostgreSQL when a URL is configured.
 * `memory` opens a throw-away in-memory PGlite (tests), empty or, with `startFrom`, holding a copy of an archived
 * data folder (a migrated template, which spares each test database PostgreSQL's initdb and the migrations).
 */
export async function openDatabase(
  config: Pick<Config, "dataDir" | "databaseUrl" | "databasePoolSize"> & Partial<Pick<Config, "databaseStatementTimeoutMs">>,
  options: { memory?: boolean; startFrom?: Blob | undefined; purpose?: string } = {},
): Promise<Database> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl, config.databasePoolSize, config.databaseStatementTimeoutMs ?? defaultStatementTimeoutMs);
  if (options.memory) return openPglite(await PGlite.create(options.startFrom ? { loadDataDir: options.startFrom } : {}), undefined);
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  await assertWritable(config.dataDir);
  // One process per embedded database: taken before PGlite touches the folder, released after it has closed it.
  const lock = await lockDataFolder(config.dataDir, options.purpose ?? commandOfThisProcess());
  try {
    const dataDir = path.join(config.dataDir, "pglite");
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    return openPglite(await PGlite.create({ fs: new DurableNodeFS(dataDir), startParams: durableStartParams() }), () => lock.release());
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/**
 * The embedded database writes into its folder from the first statement; on a read-only mount PGlite only says it
 * "failed to initialize properly", so the folder is checked first and named.
 * @throws {Error} naming the folder when this process may not write there.
 */
async function assertWritable(folder: string): Promise<void> {
  try {
    await access(folder, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown";
    throw new Error(`the data folder ${folder} is not writable (${code}): the embedded database needs to write there. Check the mount and its owner, or set MAMORI_DATA_DIR to a writable folder.`, { cause: error });
  }
}

/** `mamori <command> <subcommand>` of this process, for naming the holder of a data folder; never option values. */
function commandOfThisProcess(): string {
  const words = process.argv.slice(2).filter((word) => /^[a-z][a-z-]*$/.test(word)).slice(0, 2);
  return ["mamori", ...words].join(" ");
}

function openPglite(pglite: PGlite, releaseFolder: (() => Promise<void>) | undefined): Database {
  const kysely = new Kysely<object>({ dialect: new PostgresDialect({ pool: createPglitePool(pglite) }) });
  return {
    kind: "pglite",
    kysely,
    exec: async (script) => {
      // Through Kysely's pool so the script waits for, and never interleaves with, an open transaction.
      await kysely.connection().execute(async () => {
        await pglite.exec(script);
      });
    },
    archiveDataFolder: async () => kysely.connection().execute(async () => pglite.dumpDataDir("none")),
    close: async () => {
      try {
        await kysely.destroy();
        await pglite.close();
      } finally {
        await releaseFolder?.();
      }
    },
  };
}

/** The schema's default, for callers that open a scratch or second database without the full settings. */
const defaultStatementTimeoutMs = 30_000;
const connectTimeoutMs = 5_000;

async function openPostgres(url: string, poolSize: number, statementTimeoutMs: number): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Bounded work per statement: a slow query fails instead of holding a connection forever.
    statement_timeout: statementTimeoutMs,
    idle_in_transaction_session_timeout: 60_000,
    // A server that does not answer at all (frozen, or a network path gone) is not waited for without end either:
    // connecting gives up after a few seconds, and a statement a little after the server's own timeout would.
    connectionTimeoutMillis: connectTimeoutMs,
    query_timeout: statementTimeoutMs + 5_000,
    keepAlive: true,
  });
  // A connection the server drops (restart, failover, admin termination) must not crash the process. The pool
  // listens on idle connections only; one lent out (inside a transaction, or between a query and its release) that
  // loses its server emits 'error' with no listener, which Node raises as an uncaught exception. Every connection
  // gets a listener of its own: the query in flight is rejected, and the pool discards the broken connection when
  // it is released and opens another on demand.
  pool.on("connect", (client) => client.on("error", () => undefined));
  pool.on("error", () => undefined);
  const kysely = new Kysely<object>({ dialect: new PostgresDialect({ pool }) });
  await sql`select 1`.execute(kysely);
  return {
    kind: "postgresql",
    kysely,
    exec: async (script) => {
      await pool.query(script);
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: poolSize }),
    close: () => kysely.destroy(),
  };
}
