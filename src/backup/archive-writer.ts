import { createHash, randomBytes, sign } from "node:crypto";
import { open, rename, rm, type FileHandle } from "node:fs/promises";
import { once } from "node:events";
import { createGzip } from "node:zlib";
import type { KmsProvider } from "../crypto/index.js";
import { backupKeyContext, magic, sealFrame, type ArchiveHeader } from "./archive-format.js";
import type { BackupSigningKey } from "./signing-key.js";

const frameBytes = 1 << 20;

export interface ArchiveWriter {
  /** Appends plaintext (JSON lines); resolves when the stream can take more. */
  write(text: string): Promise<void>;
  /** Seals the last frame, signs, and renames the temporary file to `file`. Returns the archive's size. */
  finish(): Promise<number>;
  /** Removes the temporary file (error or SIGINT): no half-written archive is ever left under the final name. */
  abort(): Promise<void>;
}

/**
 * Opens `file`.partial for an encrypted, signed archive. A fresh backup key is drawn for each archive and only its
 * wrapped form (by the KMS master key) goes into the header.
 */
export async function createArchiveWriter(options: {
  file: string;
  header: Omit<ArchiveHeader, "format" | "wrappedBackupKey" | "signingKeyId" | "kmsKind" | "masterKeyId">;
  kms: KmsProvider;
  signingKey: BackupSigningKey;
}): Promise<ArchiveWriter> {
  const { file, kms, signingKey } = options;
  const partial = `${file}.partial`;
  const backupKey = randomBytes(32);
  const header: ArchiveHeader = {
    format: "mamori-backup-v1",
    ...options.header,
    kmsKind: kms.kind,
    masterKeyId: kms.masterKeyId,
    wrappedBackupKey: (await kms.wrap(backupKey, backupKeyContext(options.header.archiveId))).toString("base64"),
    signingKeyId: signingKey.id,
  };
  const handle: FileHandle = await open(partial, "wx", 0o600);
  const digest = createHash("sha256");
  let size = 0;
  const put = async (bytes: Buffer) => {
    digest.update(bytes);
    size += bytes.length;
    await handle.write(bytes);
  };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(headerBytes.length);
  await put(Buffer.concat([magic, length, headerBytes]));

  const gzip = createGzip({ level: 1 });
  let index = 0;
  // Consumes gzip output, keeping one frame's worth back so the last frame can be flagged final.
  const consumed = (async () => {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for await (const chunk of gzip as AsyncIterable<Buffer>) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes > frameBytes) {
        const all = Buffer.concat(pending);
        await put(sealFrame(backupKey, header.archiveId, index++, false, all.subarray(0, frameBytes)));
        pending = [all.subarray(frameBytes)];
        pendingBytes = pending[0]!.length;
      }
    }
    await put(sealFrame(backupKey, header.archiveId, index++, true, Buffer.concat(pending)));
  })();
  consumed.catch(() => {});

  let closed = false;
  return {
    async write(text) {
      if (!gzip.write(text)) await Promise.race([once(gzip, "drain"), consumed]);
    },
    async finish() {
      gzip.end();
      await consumed;
      const signature = sign(null, Buffer.concat([Buffer.from("mamori-backup-v1 signature:"), digest.digest()]), signingKey.privateKey);
      size += signature.length;
      await handle.write(signature);
      await handle.sync();
      await handle.close();
      closed = true;
      await rename(partial, file);
      return size;
    },
    async abort() {
      gzip.destroy();
      if (!closed) await handle.close().catch(() => {});
      await rm(partial, { force: true });
    },
  };
}
