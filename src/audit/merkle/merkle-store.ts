import { sql } from "kysely";
import type { Executor } from "../../db/index.js";
import type { TreeHead } from "./tree-head.js";

type MerkleTables = {
  audit_tree_head: { tree_size: number; root_hash: Uint8Array; signed_at: Date; key_id: string; signature: Uint8Array };
  audit_merkle_block: { block_index: number; hash: Uint8Array };
  audit_checkpoint: { seq: number; from_seq: number; entry_hashes: Uint8Array };
  audit_entry: { seq: number; entry: unknown; hash: Uint8Array };
};

/** SQL of the audit Merkle tree: tree heads, cached block roots and the leaf hashes the signed checkpoints hold. */
export function createMerkleStore(executor: Executor) {
  const db = executor.withTables<MerkleTables>();
  return {
    /**
     * Entry hashes of leaves [start, end) (seq start + 1 .. end), read from the signed checkpoints (not from
     * audit_entry, which retention purges). Only the slice of each checkpoint's concatenated hashes is read.
     * @throws {Error} when the checkpoints do not cover the range: a tree is only ever built over signed entries.
     */
    async leafEntryHashes(start: number, end: number): Promise<Buffer[]> {
      if (end <= start) return [];
      const firstSeq = start + 1;
      const lastSeq = end;
      const rows = await sql<{ from_seq: number; slice: Uint8Array; first: number }>`
        select from_seq, greatest(from_seq, ${firstSeq}::int8) as first,
          substring(entry_hashes from ((greatest(from_seq, ${firstSeq}::int8) - from_seq) * 32 + 1)::int
            for ((least(seq, ${lastSeq}::int8) - greatest(from_seq, ${firstSeq}::int8) + 1) * 32)::int) as slice
        from audit_checkpoint where seq >= ${firstSeq}::int8 and from_seq <= ${lastSeq}::int8 order by from_seq`.execute(db);
      const hashes: Buffer[] = [];
      let expected = firstSeq;
      for (const row of rows.rows) {
        if (Number(row.first) !== expected) break;
        const slice = Buffer.from(row.slice);
        for (let offset = 0; offset < slice.length; offset += 32) hashes.push(slice.subarray(offset, offset + 32));
        expected = firstSeq + hashes.length;
      }
      if (hashes.length !== end - start) throw new Error(`audit checkpoints do not cover entries ${firstSeq}..${lastSeq}`);
      return hashes;
    },
    /** The cached roots of blocks [from, end), in order; shorter when one is missing. */
    async blocks(end: number, from = 0): Promise<Buffer[]> {
      const rows = await db
        .selectFrom("audit_merkle_block")
        .select(["block_index", "hash"])
        .where("block_index", ">=", from)
        .where("block_index", "<", end)
        .orderBy("block_index")
        .execute();
      const blocks: Buffer[] = [];
      for (const row of rows) {
        if (Number(row.block_index) !== from + blocks.length) break;
        blocks.push(Buffer.from(row.hash));
      }
      return blocks;
    },
    async blockCount(): Promise<number> {
      const row = await db.selectFrom("audit_merkle_block").select(sql<number | null>`max(block_index)`.as("last")).executeTakeFirst();
      return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
    },
    /** Stores block roots; a block another node stored first is left as it is (it is computed from the same signed hashes). */
    async insertBlocks(firstIndex: number, hashes: Buffer[]): Promise<void> {
      if (hashes.length === 0) return;
      await db
        .insertInto("audit_merkle_block")
        .values(hashes.map((hash, i) => ({ block_index: firstIndex + i, hash })))
        .onConflict((oc) => oc.column("block_index").doNothing())
        .execute();
    },
    async insertTreeHead(head: TreeHead): Promise<void> {
      await db
        .insertInto("audit_tree_head")
        .values({ tree_size: head.treeSize, root_hash: head.rootHash, signed_at: new Date(head.signedAt), key_id: head.keyId, signature: head.signature })
        .onConflict((oc) => oc.column("tree_size").doNothing())
        .execute();
    },
    async latestTreeHead(): Promise<TreeHead | undefined> {
      const row = await db.selectFrom("audit_tree_head").selectAll().orderBy("tree_size", "desc").limit(1).executeTakeFirst();
      return row && toTreeHead(row);
    },
    async treeHead(treeSize: number): Promise<TreeHead | undefined> {
      const row = await db.selectFrom("audit_tree_head").selectAll().where("tree_size", "=", treeSize).executeTakeFirst();
      return row && toTreeHead(row);
    },
    /** One stored entry and its chain hash; undefined when absent (never written, or purged). */
    async entry(seq: number): Promise<{ entry: unknown; hash: Buffer } | undefined> {
      const row = await db.selectFrom("audit_entry").select(["entry", "hash"]).where("seq", "=", seq).executeTakeFirst();
      return row && { entry: row.entry, hash: Buffer.from(row.hash) };
    },
  };
}

export type MerkleStore = ReturnType<typeof createMerkleStore>;

function toTreeHead(row: MerkleTables["audit_tree_head"]): TreeHead {
  return {
    treeSize: Number(row.tree_size),
    rootHash: Buffer.from(row.root_hash),
    signedAt: row.signed_at.toISOString(),
    keyId: row.key_id,
    signature: Buffer.from(row.signature),
  };
}
