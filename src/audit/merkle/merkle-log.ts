import type { Database } from "../../db/index.js";
import type { Clock } from "../../kernel/index.js";
import type { SigningKey } from "../signing-key.js";
import { createMerkleStore, type MerkleStore } from "./merkle-store.js";
import { consistencyProof, inclusionPath, leafHash, subtreeHashFrom, type SubtreeHash } from "./tree.js";
import { signTreeHead, type TreeHead } from "./tree-head.js";

/** Leaves per cached block: a proof reads at most two blocks of leaf hashes plus one 32-byte root per block. */
export const blockSize = 256;
/** Blocks computed per read of checkpoint hashes when the cache catches up (16,384 entry hashes, 512 KiB). */
const blocksPerRead = 64;

/** A subtree below block level needs leaf hashes not loaded yet: load them and compute again. */
class LeavesNeeded extends Error {
  constructor(readonly block: number) {
    super(`leaf hashes of block ${block} are not loaded`);
  }
}

/**
 * Signs tree heads over the audit trail and builds RFC 6962 proofs against them, from the checkpoints' signed entry
 * hashes and a cache of 256-leaf block roots.
 */
export function createMerkleLog(deps: { db: Database; clock: Clock }) {
  const store = () => createMerkleStore(deps.db.kysely);

  /** Runs a computation over the first `treeSize` leaves, loading leaf blocks as it turns out to need them. */
  async function withTree<T>(treeSize: number, compute: (hash: SubtreeHash) => T): Promise<T> {
    const merkle = store();
    const completeBlocks = Math.floor(treeSize / blockSize);
    await catchUpBlocks(merkle, completeBlocks);
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
      const rootHash = await withTree(treeSize, (hash) => hash(0, treeSize));
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

/** Computes and stores the roots of complete blocks not cached yet, from the checkpoints' entry hashes. */
async function catchUpBlocks(merkle: MerkleStore, completeBlocks: number): Promise<void> {
  for (let first = await merkle.blockCount(); first < completeBlocks; first += blocksPerRead) {
    const last = Math.min(completeBlocks, first + blocksPerRead);
    const leaves = (await merkle.leafEntryHashes(first * blockSize, last * blockSize)).map(leafHash);
    const hash = subtreeHashFrom((index) => leaves[index]!);
    const roots: Buffer[] = [];
    for (let block = 0; block < last - first; block += 1) roots.push(hash(block * blockSize, (block + 1) * blockSize));
    await merkle.insertBlocks(first, roots);
  }
}
