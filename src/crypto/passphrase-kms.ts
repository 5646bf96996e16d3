import { randomBytes, randomUUID, scrypt } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { open, seal } from "./aes-gcm.js";
import type { KmsProvider } from "./kms.js";

const derive = promisify(scrypt) as (password: string, salt: Buffer, length: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

const paramsSchema = z.object({
  format: z.literal("mamori-passphrase-kms-v1"),
  keyId: z.string(),
  salt: z.base64(),
  n: z.number().int(),
  r: z.number().int(),
  p: z.number().int(),
  /** A known value sealed under the derived key, so a wrong passphrase is named as such. */
  check: z.base64(),
});

/**
 * KMS for air-gapped installs: the master key is derived from an operator's passphrase with scrypt (RFC 7914;
 * N=2^17, r=8, p=1) and a random salt kept in `paramsFile` (not secret; 0600 anyway). Nothing secret is stored.
 * @throws {Error} when the passphrase is shorter than 16 characters or does not open the stored check value.
 */
export async function openPassphraseKms(options: { passphrase: string; paramsFile: string; cost?: number }): Promise<KmsProvider> {
  if (options.passphrase.length < 16) throw new Error("the KMS passphrase must be at least 16 characters");
  let params: z.infer<typeof paramsSchema>;
  let key: Buffer;
  try {
    params = paramsSchema.parse(JSON.parse(await readFile(options.paramsFile, "utf8")));
    key = await derive(options.passphrase, Buffer.from(params.salt, "base64"), 32, { N: params.n, r: params.r, p: params.p, maxmem: 512 * 1024 * 1024 });
    try {
      open(key, Buffer.from(params.check, "base64"), Buffer.from(`check:${params.keyId}`));
    } catch {
      throw new Error("the KMS passphrase is wrong");
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    const salt = randomBytes(32);
    const n = options.cost ?? 2 ** 17;
    key = await derive(options.passphrase, salt, 32, { N: n, r: 8, p: 1, maxmem: 512 * 1024 * 1024 });
    const keyId = `passphrase:${randomUUID()}`;
    params = { format: "mamori-passphrase-kms-v1", keyId, salt: salt.toString("base64"), n, r: 8, p: 1, check: seal(key, Buffer.alloc(0), Buffer.from(`check:${keyId}`)).toString("base64") };
    await mkdir(path.dirname(options.paramsFile), { recursive: true, mode: 0o700 });
    await writeFile(options.paramsFile, `${JSON.stringify(params, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    await chmod(options.paramsFile, 0o600);
  }
  const masterKey = key;
  const keyId = params.keyId;
  return {
    kind: "passphrase",
    masterKeyId: keyId,
    wrap: async (plain, context) => seal(masterKey, plain, Buffer.from(`kek:${context}`)),
    unwrap: async (wantedKeyId, wrapped, context) => {
      if (wantedKeyId !== keyId) throw new Error(`master key ${wantedKeyId} is not derived from this passphrase`);
      return open(masterKey, wrapped, Buffer.from(`kek:${context}`));
    },
  };
}
