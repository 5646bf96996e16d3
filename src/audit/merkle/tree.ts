import { createHash } from "node:crypto";

/**
 * RFC 6962 §2.1 Merkle Tree Hash over the audit trail. Leaf i is the chain hash of the entry with seq i + 1
 * (see chain.ts): that hash already commits to the entry's canonical bytes, its seq and everything before it, so
 * a proof can show one entry's place in a signed tree without carrying the entry's content (or anybody else's).
 *   leaf  = SHA-256(0x00 || entry chain hash)
 *   node  = SHA-256(0x01 || left || right)
 */
export function leafHash(entryHash: Uint8Array): Buffer {
  return createHash("sha256").update(leafPrefix).update(entryHash).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash("sha256").update(nodePrefix).update(left).update(right).digest();
}

/** MTH({}) = SHA-256() */
export const emptyTreeHash: Buffer = createHash("sha256").digest();

const leafPrefix = Buffer.from([0]);
const nodePrefix = Buffer.from([1]);

/**
 * The hash of the subtree over leaves [start, end). Implementations may answer from a cache for aligned complete
 * subtrees; every other range is split as RFC 6962 splits it.
 */
export type SubtreeHash = (start: number, end: number) => Buffer;

/** The largest power of two smaller than n (n > 1): the RFC's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[start:end]) by the RFC's recursion, asking `cached` first for every subtree (undefined: not cached). */
export function subtreeHashFrom(leaf: (index: number) => Buffer, cached: (start: number, end: number) => Buffer | undefined = () => undefined): SubtreeHash {
  const hash: SubtreeHash = (start, end) => {
    const n = end - start;
    if (n === 0) return emptyTreeHash;
    if (n === 1) return leaf(start);
    const hit = cached(start, end);
    if (hit) return hit;
    const k = splitPoint(n);
    return nodeHash(hash(start, start + k), hash(start + k, end));
  };
  return hash;
}

/** PATH(m, D[n]) of RFC 6962 §2.1.1: the audit path of leaf m in the tree of the first n leaves. */
export function inclusionPath(m: number, n: number, hash: SubtreeHash): Buffer[] {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || m >= n) throw new RangeError("leaf index outside the tree");
  const path: Buffer[] = [];
  // The RFC's recursion, unrolled: the path lists siblings from the leaf upwards, so collect top-down and reverse.
  let start = 0;
  let end = n;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < start + k) {
      path.push(hash(start + k, end));
      end = start + k;
    } else {
      path.push(hash(start, start + k));
      start += k;
    }
  }
  return path.reverse();
}

/** PROOF(m, D[n]) of RFC 6962 §2.1.2: the consistency proof between the trees of the first m and first n leaves. */
export function consistencyProof(m: number, n: number, hash: SubtreeHash): Buffer[] {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 1 || m > n) throw new RangeError("tree sizes out of order");
  const proof: Buffer[] = [];
  // SUBPROOF(m, D[start:end], b), unrolled the same way.
  let start = 0;
  let end = n;
  let complete = true;
  for (;;) {
    const size = end - start;
    const local = m - start;
    if (local === size) {
      if (!complete) proof.push(hash(start, end));
      break;
    }
    const k = splitPoint(size);
    if (local <= k) {
      proof.push(hash(start + k, end));
      end = start + k;
    } else {
      proof.push(hash(start, start + k));
      start += k;
      complete = false;
    }
  }
  return proof.reverse();
}

/**
 * Recomputes the root from a leaf and its audit path (RFC 9162 §2.1.3.2, which states the check for RFC 6962
 * paths); true when it equals `root`.
 */
export function verifyInclusion(leafIndex: number, treeSize: number, leaf: Uint8Array, path: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Uint8Array = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && Buffer.from(r).equals(Buffer.from(root));
}

/** Checks a consistency proof between two signed roots (RFC 9162 §2.1.4.2, for RFC 6962 proofs). */
export function verifyConsistency(firstSize: number, secondSize: number, firstRoot: Uint8Array, secondRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!Number.isSafeInteger(firstSize) || !Number.isSafeInteger(secondSize) || firstSize < 1 || firstSize > secondSize) return false;
  if (firstSize === secondSize) return proof.length === 0 && Buffer.from(firstRoot).equals(Buffer.from(secondRoot));
  const path: Uint8Array[] = isPowerOfTwo(firstSize) ? [firstRoot, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = firstSize - 1;
  let sn = secondSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && Buffer.from(fr).equals(Buffer.from(firstRoot)) && Buffer.from(sr).equals(Buffer.from(secondRoot));
}

function isPowerOfTwo(n: number): boolean {
  // Arithmetic, not bitwise: tree sizes may exceed 2^31.
  let rest = n;
  while (rest > 1 && rest % 2 === 0) rest /= 2;
  return rest === 1;
}
