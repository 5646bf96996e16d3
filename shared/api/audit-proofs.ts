import { z } from "zod";
import { accessHistoryItem } from "./patient-portal.js";

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);

/** A signed tree head: the Merkle root (RFC 6962) of the first `treeSize` audit entries, signed with Ed25519. */
export const signedTreeHead = z.object({
  treeSize: z.number().int().positive(),
  rootHash: hex32,
  signedAt: z.string(),
  keyId: z.string(),
  /** Ed25519 over the RFC 8785 canonical JSON of {format: "mamori-audit-tree-head-v1", keyId, rootHash, signedAt, treeSize}. */
  signature: z.string(),
});
export type SignedTreeHead = z.infer<typeof signedTreeHead>;

/**
 * `GET /api/me/access-history/{seq}/proof`: one access to the patient's record and the proof that its audit entry is
 * in the signed tree, checkable offline with tools/verify-audit-proof.mjs and the published keys. It carries the
 * entry's chain hash and sibling hashes only: no other entry's content, and not the staff details the history hides.
 */
export const accessInclusionProof = z.object({
  format: z.literal("mamori-audit-inclusion-proof-v1"),
  access: accessHistoryItem,
  /** Leaf index = seq − 1; leaf hash = SHA-256(0x00 || entryHash). */
  leafIndex: z.number().int().nonnegative(),
  /** The entry's chain hash (chain.ts): SHA-256(previous hash || seq || canonical entry). */
  entryHash: hex32,
  /** RFC 6962 §2.1.1 audit path, from the leaf upwards. */
  auditPath: z.array(hex32),
  treeHead: signedTreeHead,
  /** Where the signing public keys are published. */
  keysUrl: z.string(),
});
export type AccessInclusionProof = z.infer<typeof accessInclusionProof>;

/** `GET /api/audit/tree-heads/consistency`: the RFC 6962 §2.1.2 proof that the second tree extends the first unchanged. */
export const treeConsistencyProof = z.object({
  format: z.literal("mamori-audit-consistency-proof-v1"),
  first: signedTreeHead,
  second: signedTreeHead,
  proof: z.array(hex32),
});
export type TreeConsistencyProof = z.infer<typeof treeConsistencyProof>;

export const treeConsistencyQuery = z.object({
  first: z.coerce.number().int().positive(),
  /** Default: the latest signed tree head. */
  second: z.coerce.number().int().positive().optional(),
});

/** `GET /.well-known/mamori-audit-keys`: the public halves of the audit signing keys, for offline verifiers. */
export const auditPublicKeys = z.object({
  keys: z.array(z.object({ keyId: z.string(), algorithm: z.literal("Ed25519"), publicKey: z.string().describe("SPKI DER, base64") })),
});
export type AuditPublicKeys = z.infer<typeof auditPublicKeys>;
