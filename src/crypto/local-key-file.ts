import { randomBytes, randomUUID } from "node:crypto";
import { chmod, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { open, seal } from "./aes-gcm.js";
import type { KmsProvider } from "./kms.js";

const keyFileSchema = z.object({
  format: z.literal("mamori-master-key-v1"),
  keyId: z.string().min(1),
  key: z.base64().refine((value) => Buffer.from(value, "base64").length === 32, "must be 32 bytes"),
  createdAt: z.string(),
  /** Earlier generations, kept for unwrap only until every KEK and every backup header under them is gone. */
  previous: z.array(z.object({ keyId: z.string().min(1), key: z.base64(), createdAt: z.string() })).optional(),
});

/**
 * The default KMS: a 256-bit master key in a local file readable by the service's user only (mode 0600),
 * created on first start. Refuses a file that group or others may read, as ssh does for private keys.
 * @throws {Error} when the file is unreadable, malformed or too open.
 */
export async function openLocalKeyFile(file: string): Promise<KmsProvider> {
  const content = await readOrCreate(file);
  const keyId = content.keyId;
  const masterKey = Buffer.from(content.key, "base64");
  let readable = keysOf(content);
  return {
    kind: "local-file",
    masterKeyId: keyId,
    wrap: async (key, context) => seal(masterKey, key, Buffer.from(`kek:${context}`)),
    unwrap: async (wantedKeyId, wrapped, context) => {
      // A newer generation written by `mamori keys rotate --master` while this process runs: read the file again.
      if (!readable.has(wantedKeyId)) readable = keysOf(await readOrCreate(file));
      const key = readable.get(wantedKeyId);
      if (!key) throw new Error(`master key ${wantedKeyId} is not in the local key file`);
      return open(key, wrapped, Buffer.from(`kek:${context}`));
    },
  };
}

function keysOf(content: z.infer<typeof keyFileSchema>): Map<string, Buffer> {
  return new Map([[content.keyId, Buffer.from(content.key, "base64")], ...(content.previous ?? []).map((entry) => [entry.keyId, Buffer.from(entry.key, "base64")] as const)]);
}

/**
 * Writes a new master key generation into the key file; the previous keys stay in it for unwrap only, so the KEKs
 * (re-wrapped next by `rewrapKeks`) and older backups stay readable. Atomic: written aside with mode 0600, then renamed.
 * Returns the new and the previous key ids.
 */
export async function rotateLocalKeyFile(file: string): Promise<{ keyId: string; previousKeyId: string }> {
  const current = await readOrCreate(file);
  const next = {
    format: "mamori-master-key-v1" as const,
    keyId: `local:${randomUUID()}`,
    key: randomBytes(32).toString("base64"),
    createdAt: new Date().toISOString(),
    previous: [{ keyId: current.keyId, key: current.key, createdAt: current.createdAt }, ...(current.previous ?? [])],
  };
  const aside = `${file}.${process.pid}.new`;
  await writeFile(aside, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  await chmod(aside, 0o600);
  await rename(aside, file);
  return { keyId: next.keyId, previousKeyId: current.keyId };
}

async function readOrCreate(file: string): Promise<z.infer<typeof keyFileSchema>> {
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    return create(file);
  }
  if ((info.mode & 0o077) !== 0) {
    throw new Error(`master key file ${file} may be read by other users; run: chmod 600 ${file}`);
  }
  const parsed = keyFileSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
  if (!parsed.success) throw new Error(`master key file ${file} is malformed`);
  return parsed.data;
}

async function create(file: string): Promise<z.infer<typeof keyFileSchema>> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const content = {
    format: "mamori-master-key-v1" as const,
    keyId: `local:${randomUUID()}`,
    key: randomBytes(32).toString("base64"),
    createdAt: new Date().toISOString(),
  };
  // `wx`: never overwrite a key that appeared meanwhile; losing a master key loses every record.
  await writeFile(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  await chmod(file, 0o600);
  return content;
}
