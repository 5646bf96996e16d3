import type { Database } from "../../db/index.js";
import type { Clock } from "../../kernel/index.js";
import type { SigningKey } from "../signing-key.js";
import { createMerkleStore, type MerkleStore } from "./merkle-store.js";
import { consistencyProof, inclusionPath, leafHash, subtreeHashFrom, verifyConsistency, type SubtreeHash } from "./tree.js";
import { isTreeHeadSignatureValid, signTreeHead, type TreeHead } from "./tree-head.js";

/** Leaves per cached block: a proof reads at most two blocks of leaf hashes plus one 32-byte root per block. */
export const blockSize = 256;
/** Blocks computed per read of checkpoint hashes when the cache catches up (16,384 entry hashes, 512 KiB). */
const blocksPerRead = 64;

/** Thrown when the tree over the signed checkpoints does not extend the last signed tree head: nothing is signed. */
export class InconsistentTreeError extends Error {
  readonly previousSize: number;
  readonly treeSize: number;
  constructor(previousSize: number, treeSize: number) {
    super(`audit Merkle tree of ${treeSize} entries does not extend the signed tree head of ${previousSize}; tree head refused`);
    this.name = "InconsistentTreeError";
    this.previousSize = previousSize;
    this.treeSize = treeSize;
  }
}

/** A subtree below block level needs leaf hashes not loaded yet: load them and compute again. */
class LeavesNeeded extends Error {
  readonly block: number;
  constructor(block: number) {
    super(`leaf hashes of block ${block} are not loaded`);
    this.block = block;
  }
}

/**
 * Signs tree heads over the audit trail and builds RFC 6962 proofs against them, from the checkpoints' signed entry
 * hashes and a cache of 256-leaf block roots.
 */
export function createMerkleLog(deps: { db: Database; clock: Clock }) {
  const store = () => createMerkleStore(deps.db.kysely);

  /** Runs a computation over the first `treeSize` leaves, loading leaf blocks as it turns out to need them. */
  async function withTree<T>(treeSize: number, compute: (hash: SubtreeHash) => T, recomputeFrom?: number): Promise<T> {
    const merkle = store();
    const completeBlocks = Math.floor(treeSize / blockSize);
    await catchUpBlocks(merkle, recomputeFrom ?? (await merkle.blockCount()), completeBlocks);
    const blocks = await merkle.blocks(completeBlocks);
    if (blocks.length < completeBlocks) throw new Error("audit Merkle block cache has a gap");
    const leaves = new Map<number, Buffer[]>();
    const hash = subtreeHashFrom(
      (index) => {
        const block = Math.floor(index / blockSize);
        const loaded = leaves.get(block);
        if (!loaded) throw new LeavesNeeded(block);
        return loaded[index - block * blockSize]!;
      },
      (start, end) => (end - start === blockSize && start % blockSize === 0 ? blocks[start / blockSize] : undefined),
    );
    for (;;) {
      try {
        return compute(hash);
      } catch (error) {
        if (!(error instanceof LeavesNeeded)) throw error;
        const start = error.block * blockSize;
        const entryHashes = await merkle.leafEntryHashes(start, Math.min(start + blockSize, treeSize));
        leaves.set(error.block, entryHashes.map(leafHash));
      }
    }
  }

  return {
    /**
     * Signs the tree head over the first `treeSize` entries (a checkpoint's seq: every one of them is signed in a
     * checkpoint) unless one exists; returns the stored head.
     */
    async signTreeHeadAt(key: SigningKey, treeSize: number): Promise<TreeHead> {
      const existing = await store().treeHead(treeSize);
      if (existing) return existing;
      const latest = await store().latestTreeHead();
      // Only a head we can see is ours vouches for the blocks below it; otherwise every block is computed again.
      const previous = latest && latest.keyId === key.id && isTreeHeadSignatureValid(latest, key.publicKey) ? latest : undefined;
      const trustedBlocks = previous ? Math.floor(previous.treeSize / blockSize) : 0;
      const { rootHash, isConsistent } = await withTree(treeSize, (hash) => {
        const root = hash(0, treeSize);
        // The new tree must extend the last signed one: a block root altered in the database since would change
        // the old root computed here, and the head is refused rather than signed over rewritten history.
        if (!previous || previous.treeSize > treeSize) return { rootHash: root, isConsistent: true };
        const proof = consistencyProof(previous.treeSize, treeSize, hash);
        return { rootHash: root, isConsistent: verifyConsistency(previous.treeSize, treeSize, previous.rootHash, root, proof) };
      }, trustedBlocks);
      if (!isConsistent) throw new InconsistentTreeError(previous!.treeSize, treeSize);
      const head = signTreeHead({ treeSize, rootHash, signedAt: deps.clock.now().toISOString(), keyId: key.id }, key.privateKey);
      await store().insertTreeHead(head);
      return (await store().treeHead(treeSize)) ?? head;
    },
    latestTreeHead: () => store().latestTreeHead(),
    treeHead: (treeSize: number) => store().treeHead(treeSize),
    /** The audit path of the entry with this seq in the tree of `treeSize` entries. */
    inclusionProof: (seq: number, treeSize: number) => withTree(treeSize, (hash) => inclusionPath(seq - 1, treeSize, hash)),
    /** The proof that the tree of `second` entries extends the tree of `first` entries unchanged. */
    consistencyProof: (first: number, second: number) => withTree(second, (hash) => consistencyProof(first, second, hash)),
  };
}

export type MerkleLog = ReturnType<typeof createMerkleLog>;

/**
 * Computes the roots of blocks [from, completeBlocks) from the checkpoints' entry hashes and stores them; a root
 * already stored must be the one computed.
 */
async function catchUpBlocks(merkle: MerkleStore, from: number, completeBlocks: number): Promise<void> {
  for (let first = from; first < completeBlocks; first += blocksPerRead) {
    const last = Math.min(completeBlocks, first + blocksPerRead);
    const leaves = (await merkle.leafEntryHashes(first * blockSize, last * blockSize)).map(leafHash);
    const hash = subtreeHashFrom((index) => leaves[index]!);
    const roots: Buffer[] = [];
    for (let block = 0; block < last - first; block += 1) roots.push(hash(block * blockSize, (block + 1) * blockSize));
    await merkle.insertBlocks(first, roots);
    // Another node may have stored these blocks first (the same roots); a row planted with another root is refused.
    const stored = await merkle.blocks(last, first);
    if (stored.length !== roots.length || stored.some((root, i) => !root.equals(roots[i]!))) throw new Error(`audit Merkle block roots ${first}..${last - 1} differ from the signed checkpoints`);
  }
}
