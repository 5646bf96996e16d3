import { createHash, verify } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { AppError } from "../kernel/index.js";
import type { KmsProvider } from "../crypto/index.js";
import { archiveHeaderSchema, backupKeyContext, frameHeaderLength, magic, openFrame, signatureLength, type ArchiveHeader } from "./archive-format.js";
import type { BackupSigningKey } from "./signing-key.js";

/**
 * Checks the archive's Ed25519 signature over its every byte, before anything of it is decrypted or written.
 * @throws {AppError} `backup.tampered` when the archive was altered, truncated or signed by another key.
 */
export async function verifyArchive(file: string, signingKey: BackupSigningKey): Promise<{ header: ArchiveHeader; digest: Buffer }> {
  const size = (await stat(file)).size;
  if (size < magic.length + 4 + signatureLength) throw new AppError("backup.tampered", { detail: "archive too short" });
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { end: size - signatureLength - 1 })) hash.update(chunk as Buffer);
  const digest = hash.digest();
  const signature = await readRange(file, size - signatureLength, signatureLength);
  const valid = verify(null, Buffer.concat([Buffer.from("mamori-backup-v1 signature:"), digest]), signingKey.publicKey, signature);
  if (!valid) throw new AppError("backup.tampered", { detail: "signature does not verify" });
  return { header: await readHeader(file), digest };
}

async function readRange(file: string, start: number, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(file, { start, end: start + length - 1 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readHeader(file: string): Promise<ArchiveHeader> {
  const head = await readRange(file, 0, magic.length + 4);
  if (!head.subarray(0, magic.length).equals(magic)) throw new AppError("backup.tampered", { detail: "not a Mamori archive" });
  const length = head.readUInt32BE(magic.length);
  const parsed = archiveHeaderSchema.safeParse(JSON.parse((await readRange(file, magic.length + 4, length)).toString("utf8")));
  if (!parsed.success) throw new AppError("backup.tampered", { detail: "malformed header" });
  return parsed.data;
}

/**
 * Decrypts a verified archive into its JSON lines. `expectedDigest` (from `verifyArchive`) is compared again at the
 * end, so a file swapped between the two reads is refused before the caller commits.
 * @throws {AppError} `backup.tampered`.
 */
export async function* readArchiveLines(file: string, kms: KmsProvider, verified: { header: ArchiveHeader; digest: Buffer }): AsyncGenerator<string> {
  const { header } = verified;
  const backupKey = await kms.unwrap(header.masterKeyId, Buffer.from(header.wrappedBackupKey, "base64"), backupKeyContext(header.archiveId));
  const size = (await stat(file)).size;
  const hash = createHash("sha256");
  const headerLength = magic.length + 4 + Buffer.byteLength(JSON.stringify(header));
  async function* plaintext(): AsyncGenerator<Buffer> {
    let buffer: Buffer = Buffer.alloc(0);
    let offset = 0;
    let index = 0;
    let sawFinal = false;
    for await (const chunk of createReadStream(file, { end: size - signatureLength - 1, highWaterMark: 1 << 20 })) {
      hash.update(chunk as Buffer);
      buffer = buffer.length === 0 ? (chunk as Buffer) : Buffer.concat([buffer, chunk as Buffer]);
      if (offset < headerLength) {
        const skip = Math.min(headerLength - offset, buffer.length);
        buffer = buffer.subarray(skip);
        offset += skip;
      }
      while (buffer.length >= frameHeaderLength) {
        const length = buffer.readUInt32BE(0);
        if (buffer.length < frameHeaderLength + length) break;
        if (sawFinal) throw new AppError("backup.tampered", { detail: "data after the final frame" });
        const isFinal = buffer.readUInt8(4) === 1;
        try {
          yield openFrame(backupKey, header.archiveId, index++, isFinal, buffer.subarray(frameHeaderLength, frameHeaderLength + length));
        } catch (cause) {
          throw new AppError("backup.tampered", { detail: `frame ${index - 1} fails authentication`, cause });
        }
        sawFinal = isFinal;
        buffer = buffer.subarray(frameHeaderLength + length);
      }
    }
    if (!sawFinal || buffer.length > 0) throw new AppError("backup.tampered", { detail: "archive truncated" });
    if (!hash.digest().equals(verified.digest)) throw new AppError("backup.tampered", { detail: "archive changed after its signature was checked" });
  }
  let rest = "";
  for await (const chunk of Readable.from(plaintext()).pipe(createGunzip())) {
    const lines = (rest + (chunk as Buffer).toString("utf8")).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) yield line;
  }
  if (rest) yield rest;
}
