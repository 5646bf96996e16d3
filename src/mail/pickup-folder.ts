import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { newId } from "../kernel/index.js";

/**
 * Writes one message into the pickup folder as `<id>.eml`, mode 0600 (it holds a one-time link). The bytes go to a
 * dot-file first and are renamed into place, so a relay scanning for `*.eml` never takes half a message.
 * @throws {Error} when the folder cannot be created or written.
 */
export async function writePickupFile(dir: string, message: Buffer): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const id = newId();
  const partial = path.join(dir, `.${id}.partial`);
  const file = path.join(dir, `${id}.eml`);
  try {
    await writeFile(partial, message, { mode: 0o600, flag: "wx" });
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return file;
}
