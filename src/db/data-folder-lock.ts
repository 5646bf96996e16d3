import { readFileSync } from "node:fs";
import { link, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";

/** Who holds an embedded data folder: enough to tell a live holder from one that died, and to name it to an operator. */
export interface DataFolderHolder {
  pid: number;
  /** The holder's start time as the kernel counts it (Linux: clock ticks since boot), to tell a reused PID apart. */
  processStart: string | null;
  host: string;
  /** e.g. `mamori start`, `mamori backup`. */
  purpose: string;
  since: string;
}

/** The data folder is held by another live process; the message names it (never any data). */
export class DataFolderInUseError extends Error {
  readonly folder: string;
  readonly holder: DataFolderHolder;
  constructor(folder: string, holder: DataFolderHolder) {
    super(
      `the data folder ${folder} is in use by another Mamori process (PID ${holder.pid}${holder.host !== os.hostname() ? ` on ${holder.host}` : ""}, ` +
        `"${holder.purpose}", since ${holder.since}). The embedded database allows one process at a time: stop that process first ` +
        `(or run this command against PostgreSQL, set with DATABASE_URL, where several processes may share the database).`,
    );
    this.folder = folder;
    this.holder = holder;
    this.name = "DataFolderInUseError";
  }
}

export interface DataFolderLock {
  /** Removes the lock file if it is still this process's own. */
  release(): Promise<void>;
}

const lockName = "mamori.lock";
const takeoverName = "mamori.lock.takeover";

/**
 * Takes the embedded database's data folder for this process alone. PGlite keeps a whole PostgreSQL in the process
 * that opens it: a second process opening the same folder (a CLI command beside the server) writes over the other's
 * pages, losing acknowledged writes or leaving the folder unopenable. The lock file is created atomically (a hard
 * link of a complete file, which fails if one exists), so two starters cannot both win; a lock left by a process
 * that died (its PID gone, or reused by a process started at another time) is taken over under a second, short-lived
 * lock so that two processes finding the same stale lock do not both take it.
 * @throws {DataFolderInUseError} when a live process holds the folder.
 */
export async function lockDataFolder(folder: string, purpose: string): Promise<DataFolderLock> {
  const own: DataFolderHolder = { pid: process.pid, processStart: processStartOf(process.pid), host: os.hostname(), purpose, since: new Date().toISOString() };
  const content = JSON.stringify(own);
  const lockPath = path.join(folder, lockName);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    if (await createExclusive(lockPath, content)) return ownedLock(lockPath, content);
    const holder = await readHolder(lockPath);
    if (holder && isAlive(holder)) throw new DataFolderInUseError(folder, holder);
    await takeOverStale(folder, lockPath, holder);
  }
  const holder = await readHolder(lockPath);
  throw new DataFolderInUseError(folder, holder ?? { pid: 0, processStart: null, host: "unknown", purpose: "unknown", since: "unknown" });
}

function ownedLock(lockPath: string, content: string): DataFolderLock {
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      const current = await readFile(lockPath, "utf8").catch(() => undefined);
      if (current === content) await unlink(lockPath).catch(() => undefined);
    },
  };
}

/** Writes the complete lock content under a private name, then links it into place: the link fails if a lock exists. */
async function createExclusive(target: string, content: string): Promise<boolean> {
  const temporary = `${target}.${process.pid}.${randomUUID()}`;
  await writeFile(temporary, content, { mode: 0o600 });
  try {
    await link(temporary, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    await rm(temporary, { force: true });
  }
}

/**
 * Removes a stale lock while holding the takeover lock, after checking again that the lock is the same stale one: a
 * process that found it stale a moment later must not remove the lock its rival has just taken.
 */
async function takeOverStale(folder: string, lockPath: string, seen: DataFolderHolder | undefined): Promise<void> {
  const takeoverPath = path.join(folder, takeoverName);
  if (!(await createExclusive(takeoverPath, JSON.stringify({ pid: process.pid, processStart: processStartOf(process.pid) })))) {
    // Another process is taking over now, or died doing so: a takeover lock older than a few seconds is abandoned.
    const age = await stat(takeoverPath).then((info) => Date.now() - info.mtimeMs, () => 0);
    if (age > 10_000) await rm(takeoverPath, { force: true });
    else await new Promise((resolve) => setTimeout(resolve, 100));
    return;
  }
  try {
    const now = await readHolder(lockPath);
    if (now === undefined || (seen !== undefined && sameHolder(now, seen) && !isAlive(now))) await rm(lockPath, { force: true });
  } finally {
    await rm(takeoverPath, { force: true });
  }
}

async function readHolder(lockPath: string): Promise<DataFolderHolder | undefined> {
  const text = await readFile(lockPath, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<DataFolderHolder>;
    if (typeof parsed.pid !== "number") return undefined;
    return { pid: parsed.pid, processStart: parsed.processStart ?? null, host: parsed.host ?? "unknown", purpose: parsed.purpose ?? "unknown", since: parsed.since ?? "unknown" };
  } catch {
    // A torn or foreign file: treated as held by nobody we can name, so it is checked like a dead holder's.
    return { pid: 0, processStart: null, host: os.hostname(), purpose: "unknown", since: "unknown" };
  }
}

function sameHolder(a: DataFolderHolder, b: DataFolderHolder): boolean {
  return a.pid === b.pid && a.processStart === b.processStart && a.since === b.since;
}

/**
 * Whether the holder still runs. A holder on another host cannot be checked from here and counts as alive: an
 * operator removes such a lock by hand once that host is known to be stopped.
 */
function isAlive(holder: DataFolderHolder): boolean {
  if (holder.host !== os.hostname()) return true;
  if (holder.pid <= 0) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const start = processStartOf(holder.pid);
  return start === null || holder.processStart === null || start === holder.processStart;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); null where /proc is not available. */
function processStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null;
  } catch {
    return null;
  }
}
