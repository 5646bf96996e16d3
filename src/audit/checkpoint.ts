import { createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import canonicalize from "canonicalize";
import { z } from "zod";

/** A signed statement: "entries fromSeq..seq of the audit chain had these hashes, ending in chainHash". */
export interface Checkpoint {
  seq: number;
  fromSeq: number;
  chainHash: Buffer;
  entryHashes: Buffer[];
  signedAt: string;
  keyId: string;
  signature: Buffer;
}

const format = "mamori-audit-checkpoint-v1";

/** The signed fields as JSON values: one definition for the signature and the exported file alike. */
function signedFields(checkpoint: Omit<Checkpoint, "signature">) {
  return {
    format,
    seq: checkpoint.seq,
    fromSeq: checkpoint.fromSeq,
    chainHash: checkpoint.chainHash.toString("hex"),
    entryHashes: Buffer.concat(checkpoint.entryHashes).toString("base64"),
    signedAt: checkpoint.signedAt,
    keyId: checkpoint.keyId,
  };
}

/** The exact bytes signed (RFC 8785 canonical JSON), so any verifier can rebuild them. */
export function signedBytes(checkpoint: Omit<Checkpoint, "signature">): Buffer {
  return Buffer.from(canonicalize(signedFields(checkpoint))!);
}

/** Splits concatenated 32-byte SHA-256 entry hashes, as stored and exported. */
export function splitEntryHashes(hashes: Buffer): Buffer[] {
  const entryHashes: Buffer[] = [];
  for (let offset = 0; offset < hashes.length; offset += 32) entryHashes.push(hashes.subarray(offset, offset + 32));
  return entryHashes;
}

/** Signs a checkpoint with the audit signing key (Ed25519, RFC 8032). */
export function signCheckpoint(unsigned: Omit<Checkpoint, "signature">, privateKey: KeyObject): Checkpoint {
  return { ...unsigned, signature: sign(null, signedBytes(unsigned), privateKey) };
}

/** True when the signature is valid for this key. */
export function isSignatureValid(checkpoint: Checkpoint, publicKey: KeyObject): boolean {
  try {
    return verify(null, signedBytes(checkpoint), publicKey, checkpoint.signature);
  } catch {
    return false;
  }
}

const fileSchema = z.object({
  format: z.literal(format),
  seq: z.number().int().positive(),
  fromSeq: z.number().int().positive(),
  chainHash: z.string().regex(/^[0-9a-f]{64}$/),
  entryHashes: z.base64(),
  signedAt: z.string(),
  keyId: z.string(),
  signature: z.base64(),
  publicKey: z.base64(),
});

/** The exported file: the signed fields, the signature and the signer's public key (SPKI DER). */
export function checkpointToFile(checkpoint: Checkpoint, publicKeyDer: Buffer): string {
  return `${JSON.stringify(
    {
      ...signedFields(checkpoint),
      signature: checkpoint.signature.toString("base64"),
      publicKey: publicKeyDer.toString("base64"),
    },
    null,
    1,
  )}\n`;
}

/** Parses an exported file. @throws {Error} when it is not a checkpoint file. */
export function checkpointFromFile(text: string): { checkpoint: Checkpoint; publicKey: KeyObject } {
  const parsed = fileSchema.parse(JSON.parse(text));
  return {
    checkpoint: {
      seq: parsed.seq,
      fromSeq: parsed.fromSeq,
      chainHash: Buffer.from(parsed.chainHash, "hex"),
      entryHashes: splitEntryHashes(Buffer.from(parsed.entryHashes, "base64")),
      signedAt: parsed.signedAt,
      keyId: parsed.keyId,
      signature: Buffer.from(parsed.signature, "base64"),
    },
    publicKey: createPublicKey({ key: Buffer.from(parsed.publicKey, "base64"), format: "der", type: "spki" }),
  };
}
