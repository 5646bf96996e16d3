import { createHash, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import canonicalize from "canonicalize";
import { z } from "zod";

/**
 * A signed statement: "entries fromSeq..seq of the audit chain had these hashes, ending in chainHash". Chained
 * checkpoints (v2) also sign the digest of the checkpoint before them (a chain of digests, as CloudTrail's digest
 * files) and the retention floor: entries up to `floor.seq` were purged deliberately and the chain resumes from
 * `floor.hash`. Checkpoints written before chaining (v1) carry neither.
 */
export interface Checkpoint {
  seq: number;
  fromSeq: number;
  chainHash: Buffer;
  entryHashes: Buffer[];
  signedAt: string;
  keyId: string;
  signature: Buffer;
  /** v2: the digest (checkpointDigest) of the previous checkpoint; 32 zero bytes for the first one. */
  previous?: Buffer | undefined;
  /** v2: the retention floor in force when this checkpoint was signed. */
  floor?: RetentionFloor | undefined;
  /**
   * v2, on the checkpoint a restore signs: the id of the archive restored. Checkpoints signed before it, beyond its
   * predecessor, belong to the trail the restore replaced.
   */
  restoredArchive?: string | undefined;
}

/** Where the trail starts: entries 1..seq were purged by retention; `hash` is the chain hash at seq (zero: none). */
export interface RetentionFloor {
  seq: number;
  hash: Buffer;
}

export const noFloor: RetentionFloor = { seq: 0, hash: Buffer.alloc(32) };
export const noPreviousCheckpoint: Buffer = Buffer.alloc(32);

const formatV1 = "mamori-audit-checkpoint-v1";
const formatV2 = "mamori-audit-checkpoint-v2";

/** The signed fields as JSON values: one definition for the signature and the exported file alike. */
function signedFields(checkpoint: Omit<Checkpoint, "signature">) {
  const common = {
    seq: checkpoint.seq,
    fromSeq: checkpoint.fromSeq,
    chainHash: checkpoint.chainHash.toString("hex"),
    entryHashes: Buffer.concat(checkpoint.entryHashes).toString("base64"),
    signedAt: checkpoint.signedAt,
    keyId: checkpoint.keyId,
  };
  if (!checkpoint.previous) return { format: formatV1, ...common };
  const floor = checkpoint.floor ?? noFloor;
  return {
    format: formatV2,
    ...common,
    previous: checkpoint.previous.toString("hex"),
    floorSeq: floor.seq,
    floorHash: floor.hash.toString("hex"),
    ...(checkpoint.restoredArchive === undefined ? {} : { restoredArchive: checkpoint.restoredArchive }),
  };
}

/** The digest a successor signs: SHA-256 over the signed bytes and the signature, so it names one signed statement. */
export function checkpointDigest(checkpoint: Checkpoint): Buffer {
  return createHash("sha256").update(signedBytes(checkpoint)).update(checkpoint.signature).digest();
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

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);
const fileSchema = z.object({
  format: z.enum([formatV1, formatV2]),
  seq: z.number().int().positive(),
  fromSeq: z.number().int().positive(),
  chainHash: z.string().regex(/^[0-9a-f]{64}$/),
  entryHashes: z.base64(),
  signedAt: z.string(),
  keyId: z.string(),
  signature: z.base64(),
  publicKey: z.base64(),
  previous: hex32.optional(),
  floorSeq: z.number().int().nonnegative().optional(),
  floorHash: hex32.optional(),
  restoredArchive: z.string().min(1).max(200).optional(),
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
  const chained = parsed.format === formatV2 && parsed.previous !== undefined && parsed.floorSeq !== undefined && parsed.floorHash !== undefined;
  if (parsed.format === formatV2 && !chained) throw new Error("chained checkpoint without its predecessor or floor");
  return {
    checkpoint: {
      seq: parsed.seq,
      fromSeq: parsed.fromSeq,
      chainHash: Buffer.from(parsed.chainHash, "hex"),
      entryHashes: splitEntryHashes(Buffer.from(parsed.entryHashes, "base64")),
      signedAt: parsed.signedAt,
      keyId: parsed.keyId,
      signature: Buffer.from(parsed.signature, "base64"),
      ...(chained ? { previous: Buffer.from(parsed.previous!, "hex"), floor: { seq: parsed.floorSeq!, hash: Buffer.from(parsed.floorHash!, "hex") } } : {}),
      ...(chained && parsed.restoredArchive !== undefined ? { restoredArchive: parsed.restoredArchive } : {}),
    },
    publicKey: createPublicKey({ key: Buffer.from(parsed.publicKey, "base64"), format: "der", type: "spki" }),
  };
}
