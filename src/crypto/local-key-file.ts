import { randomBytes, randomUUID } from "node:crypto";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { open, seal } from "./aes-gcm.js";
import type { KmsProvider } from "./kms.js";

const keyFileSchema = z.object({
  format: z.literal("mamori-master-key-v1"),
  keyId: z.string().min(1),
  key: z.base64().refine((value) => Buffer.from(value, "base64").length === 32, "must be 32 bytes"),
  createdAt: z.string(),
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
  return {
    kind: "local-file",
    masterKeyId: keyId,
    wrap: async (key, context) => seal(masterKey, key, Buffer.from(`kek:${context}`)),
    unwrap: async (wantedKeyId, wrapped, context) => {
      if (wantedKeyId !== keyId) throw new Error(`master key ${wantedKeyId} is not in the local key file`);
      return open(masterKey, wrapped, Buffer.from(`kek:${context}`));
    },
  };
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
