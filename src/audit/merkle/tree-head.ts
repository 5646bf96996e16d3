import { sign, verify, type KeyObject } from "node:crypto";
import canonicalize from "canonicalize";

/** A signed tree head (STH): "the first treeSize entries of the audit trail have this Merkle root". */
export interface TreeHead {
  treeSize: number;
  rootHash: Buffer;
  /** ISO 8601, inside the signed bytes. */
  signedAt: string;
  keyId: string;
  signature: Buffer;
}

export const treeHeadFormat = "mamori-audit-tree-head-v1";

/**
 * The exact bytes signed: RFC 8785 canonical JSON of a flat object of strings and integers, so the published
 * verifier rebuilds them by sorting five keys, without a JSON canonicalisation library.
 */
export function treeHeadSignedBytes(head: Omit<TreeHead, "signature">): Buffer {
  return Buffer.from(
    canonicalize({ format: treeHeadFormat, treeSize: head.treeSize, rootHash: head.rootHash.toString("hex"), signedAt: head.signedAt, keyId: head.keyId })!,
  );
}

/** Signs a tree head with the audit signing key (Ed25519). */
export function signTreeHead(unsigned: Omit<TreeHead, "signature">, privateKey: KeyObject): TreeHead {
  return { ...unsigned, signature: sign(null, treeHeadSignedBytes(unsigned), privateKey) };
}

export function isTreeHeadSignatureValid(head: TreeHead, publicKey: KeyObject): boolean {
  try {
    return verify(null, treeHeadSignedBytes(head), publicKey, head.signature);
  } catch {
    return false;
  }
}
