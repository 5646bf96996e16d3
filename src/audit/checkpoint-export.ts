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
