import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";

export interface BackupSigningKey {
  id: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * The Ed25519 key that signs backup archives, in its own file (mode 0600) and never in an archive, so whoever can
 * write to the backup folder cannot forge or alter an archive that restore would accept. Created on first use.
 * @throws {Error} when the file is readable by group or others, or malformed.
 */
export async function openBackupSigningKey(file: string): Promise<BackupSigningKey> {
  let pem: string;
  try {
    const info = await stat(file);
    if ((info.mode & 0o077) !== 0) throw new Error(`backup signing key ${file} may be read by other users; run: chmod 600 ${file}`);
    pem = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    pem = generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    await writeFile(file, pem, { mode: 0o600, flag: "wx" });
    await chmod(file, 0o600);
  }
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  const id = createHash("sha256").update(publicKey.export({ format: "der", type: "spki" })).digest("hex").slice(0, 16);
  return { id, privateKey, publicKey };
}
