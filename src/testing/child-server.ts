import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import pg from "pg";
import { createAudit, type VerifyReport } from "../audit/index.js";
import { loadConfig } from "../config/index.js";
import { createKeyring, openLocalKeyFile } from "../crypto/index.js";
import { migrate, openDatabase, type Database } from "../db/index.js";
import { systemClock } from "../kernel/index.js";

/** The first stdout line of a fixture server under test/fixtures: where it listens and which database it uses. */
export interface ChildServerReady {
  baseUrl: string;
  cert: string;
  cookie: string;
  databaseUrl: string | null;
}

export interface ChildServer<Ready extends ChildServerReady> {
  child: ChildProcess;
  ready: Ready;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** What the process wrote to stderr so far. */
  stderr(): string;
}

/**
 * Runs the service as a separate process (a fixture under test/fixtures, given its own data folder), for tests that
 * kill or signal it, and waits for its ready line. Call `cleanUp` afterwards to drop its scratch database and folder.
 */
export async function startChildServer<Ready extends ChildServerReady>(fixture: string, dataDir: string, env: Record<string, string> = {}): Promise<ChildServer<Ready>> {
  const child = spawn(process.execPath, ["--import", "tsx", fixture, dataDir], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const ready = await new Promise<Ready>((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line) as Ready));
    child.once("exit", (code) => reject(new Error(`${fixture} exited early (${code}): ${stderr}`)));
  });
  return { child, ready, exited, stderr: () => stderr };
}

/** A fresh data folder for a child server. */
export function childDataDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `mamori-${prefix}-`));
}

/** Drops the child server's scratch PostgreSQL database (if it used one) and removes its data folder. */
export async function cleanUpChildServer(dataDir: string | undefined, databaseUrl: string | null): Promise<void> {
  if (databaseUrl) {
    const name = new URL(databaseUrl).pathname.slice(1);
    const admin = new pg.Client({ connectionString: process.env["DATABASE_URL"] });
    await admin.connect();
    try {
      await admin.query(`drop database if exists ${name} with (force)`);
    } finally {
      await admin.end();
    }
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}

/**
 * Opens what a stopped child server left behind (its data folder and database), hands it to `inspect`, and then
 * verifies the audit chain with the folder's own key. Returns the verification report.
 */
export async function inspectChildServerData(dataDir: string, databaseUrl: string | null, inspect: (db: Database) => Promise<void>): Promise<VerifyReport> {
  const config = loadConfig({ MAMORI_DATA_DIR: dataDir, DATABASE_URL: databaseUrl ?? "" });
  const db = await openDatabase(config);
  try {
    await migrate(db);
    await inspect(db);
    const keyring = await createKeyring({ db, kms: await openLocalKeyFile(config.masterKeyFile), clock: systemClock });
    return await createAudit({ db, keyring, clock: systemClock, batchWindowMs: 0, checkpoints: config.audit.checkpoints }).verify();
  } finally {
    await db.close();
  }
}
