import { chmod, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { KeyObject } from "node:crypto";
import { checkpointFromFile, checkpointToFile, type Checkpoint } from "./checkpoint.js";

const fileName = (seq: number) => `checkpoint-${String(seq).padStart(12, "0")}.json`;

/**
 * Writes a checkpoint file into the export folder (meant to be write-once storage: an offline mount, WORM
 * volume or a bucket with object lock). Never overwrites: a file for that sequence, once written, stays.
 */
export async function exportCheckpoint(dir: string, checkpoint: Checkpoint, publicKeyDer: Buffer): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, fileName(checkpoint.seq));
  try {
    await writeFile(file, checkpointToFile(checkpoint, publicKeyDer), { flag: "wx", mode: 0o444 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return;
  }
  await chmod(file, 0o444);
}

export interface ExportedCheckpoint {
  file: string;
  checkpoint?: Checkpoint;
  publicKey?: KeyObject;
  /** Set when the file could not be read as a checkpoint at all. */
  unreadable?: true;
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
    try {
      exported.push({ file: name, ...checkpointFromFile(await readFile(path.join(dir, name), "utf8")) });
    } catch {
      exported.push({ file: name, unreadable: true });
    }
  }
  return exported;
}
