import { randomUUID } from "node:crypto";
import { link, mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { KeyObject } from "node:crypto";
import { checkpointFromFile, checkpointToFile, type Checkpoint } from "./checkpoint.js";

const fileName = (seq: number) => `checkpoint-${String(seq).padStart(12, "0")}.json`;

/** What became of a checkpoint's file: written now, already there with the same content, or there and different. */
export type ExportOutcome = "written" | "present" | "conflict";

/**
 * Writes a checkpoint file into the export folder (meant to be write-once storage: an offline mount, WORM volume or a
 * bucket with object lock), atomically: the complete file is written under a temporary name and synced, then linked
 * to its name (which fails if that name exists, so nothing is ever overwritten) and the folder synced. A reader or a
 * crash sees either no file or the whole file. An existing file is never replaced, except an empty one, which no
 * complete write leaves and which holds no evidence (a torn write of an earlier version); a different non-empty file
 * is a conflict for the verifier to report, not to repair over.
 * @throws {Error} when the folder cannot be written (full, read-only): the checkpoint stays unexported until a retry.
 */
export async function exportCheckpoint(dir: string, checkpoint: Checkpoint, publicKeyDer: Buffer): Promise<ExportOutcome> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, fileName(checkpoint.seq));
  const content = checkpointToFile(checkpoint, publicKeyDer);
  const temporary = path.join(dir, `.${fileName(checkpoint.seq)}.${process.pid}.${randomUUID()}.tmp`);
  const handle = await open(temporary, "wx", 0o444);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    try {
      await link(temporary, file);
      await syncFolder(dir);
      return "written";
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const existing = await readFile(file, "utf8");
    if (existing === content) return "present";
    if (existing.length > 0) return "conflict";
    await rename(temporary, file);
    await syncFolder(dir);
    return "written";
  } finally {
    await rm(temporary, { force: true });
  }
}

async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface ExportedCheckpoint {
  file: string;
  checkpoint?: Checkpoint;
  publicKey?: KeyObject;
  /** Set when the file could not be read as a checkpoint at all. */
  unreadable?: true;
  /** Set when the file is empty (a torn write). */
  empty?: true;
}

/** Reads every checkpoint file in the export folder, in sequence order; a missing folder reads as none. */
export async function readExportedCheckpoints(dir: string): Promise<ExportedCheckpoint[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => /^checkpoint-\d{12}\.json$/.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const exported: ExportedCheckpoint[] = [];
  for (const name of names) {
    const text = await readFile(path.join(dir, name), "utf8");
    try {
      exported.push({ file: name, ...checkpointFromFile(text) });
    } catch {
      exported.push({ file: name, unreadable: true, ...(text.length === 0 ? { empty: true as const } : {}) });
    }
  }
  return exported;
}

const headFile = "checkpoint-head.json";
const headFormat = "mamori-audit-checkpoint-head-v1";

/** The newest checkpoint the export folder has seen: its sequence and digest (checkpointDigest). */
export interface CheckpointHead {
  seq: number;
  digest: Buffer;
}

/**
 * Records in the export folder which checkpoint is the newest, replacing the record atomically (temporary file,
 * sync, rename) and never moving it back (except for a restore's checkpoint): the latest checkpoint has no successor to name it, so this is what tells
 * its removal (row and file) from "never signed". Kept beside the checkpoint files, on the same write-once-minded
 * storage; an insider who can also rewrite this file can hide the latest checkpoint, and only an outside witness
 * (the SIEM copy of the trail) remains.
 */
export async function writeCheckpointHead(dir: string, head: CheckpointHead, options: { replace?: boolean } = {}): Promise<void> {
  const current = await readCheckpointHead(dir);
  if (!options.replace && current && current !== "unreadable" && current.seq >= head.seq) return;
  const temporary = path.join(dir, `.${headFile}.${process.pid}.${randomUUID()}.tmp`);
  const handle = await open(temporary, "wx", 0o600);
  try {
    await handle.writeFile(`${JSON.stringify({ format: headFormat, seq: head.seq, digest: head.digest.toString("hex") })}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path.join(dir, headFile));
  await syncFolder(dir);
}

/** The head record of the export folder; undefined when there is none. */
export async function readCheckpointHead(dir: string): Promise<CheckpointHead | "unreadable" | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dir, headFile), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as { format?: unknown; seq?: unknown; digest?: unknown };
    if (parsed.format !== headFormat || typeof parsed.seq !== "number" || typeof parsed.digest !== "string" || !/^[0-9a-f]{64}$/.test(parsed.digest)) return "unreadable";
    return { seq: parsed.seq, digest: Buffer.from(parsed.digest, "hex") };
  } catch {
    return "unreadable";
  }
}
