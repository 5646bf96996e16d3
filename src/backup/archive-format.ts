import { createCipheriv, createDecipheriv } from "node:crypto";
import { z } from "zod";

/**
 * Archive layout (all integers big-endian):
 *   "MAMORIBK" | u32 header length | header JSON | frames… | Ed25519 signature (64 bytes)
 *   frame = u32 sealed length | u8 final flag | AES-256-GCM ciphertext ‖ 16-byte tag
 * The plaintext is gzip of JSON lines. Each frame's nonce is its index and its associated data binds the archive
 * id, the index and the final flag, so frames cannot be reordered, dropped, replayed from another archive or
 * truncated. The signature covers the SHA-256 of every byte before it.
 */
export const magic = Buffer.from("MAMORIBK");
export const signatureLength = 64;
export const tagLength = 16;
export const frameHeaderLength = 5;

export const archiveHeaderSchema = z.object({
  format: z.literal("mamori-backup-v1"),
  archiveId: z.string(),
  createdAt: z.string(),
  databaseKind: z.enum(["pglite", "postgresql"]),
  kmsKind: z.string(),
  /** The master key that wrapped `wrappedBackupKey`; the KMS must still hold it to restore. */
  masterKeyId: z.string(),
  wrappedBackupKey: z.base64(),
  signingKeyId: z.string(),
  migrations: z.array(z.string()),
});
export type ArchiveHeader = z.infer<typeof archiveHeaderSchema>;

export const backupKeyContext = (archiveId: string) => `backup:${archiveId}`;

function nonce(index: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeBigUInt64BE(BigInt(index), 4);
  return iv;
}

function aad(archiveId: string, index: number, isFinal: boolean): Buffer {
  const tail = Buffer.alloc(9);
  tail.writeBigUInt64BE(BigInt(index), 0);
  tail.writeUInt8(isFinal ? 1 : 0, 8);
  return Buffer.concat([Buffer.from(`mamori-backup-v1:${archiveId}:`), tail]);
}

/** Seals one frame; the key is used for this archive only, so the counter nonce never repeats under a key. */
export function sealFrame(key: Buffer, archiveId: string, index: number, isFinal: boolean, plaintext: Buffer): Buffer {
  const cipher = createCipheriv("aes-256-gcm", key, nonce(index), { authTagLength: tagLength });
  cipher.setAAD(aad(archiveId, index, isFinal));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const head = Buffer.alloc(frameHeaderLength);
  head.writeUInt32BE(body.length, 0);
  head.writeUInt8(isFinal ? 1 : 0, 4);
  return Buffer.concat([head, body]);
}

/** @throws {Error} when any byte of the frame, its place or its final flag was altered. */
export function openFrame(key: Buffer, archiveId: string, index: number, isFinal: boolean, body: Buffer): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, nonce(index), { authTagLength: tagLength });
  decipher.setAAD(aad(archiveId, index, isFinal));
  decipher.setAuthTag(body.subarray(body.length - tagLength));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - tagLength)), decipher.final()]);
}
