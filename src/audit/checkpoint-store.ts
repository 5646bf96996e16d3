import type { Executor } from "../db/index.js";
import { splitEntryHashes, type Checkpoint } from "./checkpoint.js";

type CheckpointTables = {
  audit_signing_key: { id: string; public_key: Uint8Array; private_key: Uint8Array; created_at: Date; retired_at: Date | null };
  audit_checkpoint: {
    seq: number;
    from_seq: number;
    chain_hash: Uint8Array;
    entry_hashes: Uint8Array;
    signed_at: Date;
    key_id: string;
    signature: Uint8Array;
    exported_at: Date | null;
    previous_hash: Uint8Array | null;
    floor_seq: number | null;
    floor_hash: Uint8Array | null;
    exported_to: string | null;
    restored_archive: string | null;
  };
  audit_entry: { seq: number; hash: Uint8Array };
};

/** SQL of audit checkpoints and their signing keys. */
export function createCheckpointStore(executor: Executor) {
  const db = executor.withTables<CheckpointTables>();
  return {
    /** Keys not retired, newest first. */
    async activeSigningKeys(): Promise<Array<{ id: string; publicKey: Buffer; privateKey: Buffer }>> {
      const rows = await db
        .selectFrom("audit_signing_key")
        .select(["id", "public_key", "private_key"])
        .where("retired_at", "is", null)
        .orderBy("created_at", "desc")
        .execute();
      return rows.map((row) => ({ id: row.id, publicKey: Buffer.from(row.public_key), privateKey: Buffer.from(row.private_key) }));
    },
    async signingKeys(): Promise<Array<{ id: string; publicKey: Buffer; privateKey: Buffer }>> {
      const rows = await db.selectFrom("audit_signing_key").select(["id", "public_key", "private_key"]).execute();
      return rows.map((row) => ({ id: row.id, publicKey: Buffer.from(row.public_key), privateKey: Buffer.from(row.private_key) }));
    },
    async insertSigningKey(row: { id: string; publicKey: Buffer; privateKey: Buffer }, at: Date): Promise<void> {
      await db.insertInto("audit_signing_key").values({ id: row.id, public_key: row.publicKey, private_key: row.privateKey, created_at: at }).execute();
    },
    /** The sequence the latest checkpoint covers up to (0: none), without reading its hashes. */
    async lastCheckpointSeq(): Promise<number> {
      const row = await db.selectFrom("audit_checkpoint").select("seq").orderBy("seq", "desc").limit(1).executeTakeFirst();
      return row?.seq ?? 0;
    },
    async lastCheckpoint(): Promise<Checkpoint | undefined> {
      const row = await db.selectFrom("audit_checkpoint").selectAll().orderBy("seq", "desc").limit(1).executeTakeFirst();
      return row && toCheckpoint(row);
    },
    async checkpoints(): Promise<Checkpoint[]> {
      const rows = await db.selectFrom("audit_checkpoint").selectAll().orderBy("seq").execute();
      return rows.map(toCheckpoint);
    },
    /** Sequences of the stored checkpoints whose file was written, for telling a removed file from one never written. */
    async exportedSeqs(): Promise<Set<number>> {
      const rows = await db.selectFrom("audit_checkpoint").select("seq").where("exported_at", "is not", null).execute();
      return new Set(rows.map((row) => row.seq));
    },
    /** The folder each exported checkpoint's file first went to (checkpoints exported before this was kept: none). */
    async exportFolders(): Promise<Map<number, string>> {
      const rows = await db.selectFrom("audit_checkpoint").select(["seq", "exported_to"]).where("exported_to", "is not", null).execute();
      return new Map(rows.map((row) => [row.seq, row.exported_to!]));
    },
    /**
     * Forgets where the checkpoints were exported: after a restore their files belong to the old node's folder, and
     * the restored node writes its own copies (identical, so an old folder mounted again finds them present).
     */
    async forgetExports(): Promise<void> {
      await db.updateTable("audit_checkpoint").set({ exported_at: null, exported_to: null }).execute();
    },
    /** Checkpoints committed whose file was never written, oldest first. */
    async unexported(limit: number): Promise<Checkpoint[]> {
      const rows = await db.selectFrom("audit_checkpoint").selectAll().where("exported_at", "is", null).orderBy("seq").limit(limit).execute();
      return rows.map(toCheckpoint);
    },
    async markExported(seq: number, at: Date, folder: string): Promise<void> {
      await db
        .updateTable("audit_checkpoint")
        .set((eb) => ({ exported_at: at, exported_to: eb.fn.coalesce("exported_to", eb.val(folder)) }))
        .where("seq", "=", seq)
        .execute();
    },
    /** The checkpoint covering `seq`, if any. */
    async covering(seq: number): Promise<Checkpoint | undefined> {
      const row = await db.selectFrom("audit_checkpoint").selectAll().where("from_seq", "<=", seq).where("seq", ">=", seq).orderBy("seq", "desc").limit(1).executeTakeFirst();
      return row && toCheckpoint(row);
    },
    /** Stores a checkpoint; false when another node stored one for that sequence, or after the same predecessor, first. */
    async insertCheckpoint(checkpoint: Checkpoint): Promise<boolean> {
      const result = await db
        .insertInto("audit_checkpoint")
        .values({
          seq: checkpoint.seq,
          from_seq: checkpoint.fromSeq,
          chain_hash: checkpoint.chainHash,
          entry_hashes: Buffer.concat(checkpoint.entryHashes),
          signed_at: new Date(checkpoint.signedAt),
          key_id: checkpoint.keyId,
          signature: checkpoint.signature,
          exported_at: null,
          previous_hash: checkpoint.previous ?? null,
          floor_seq: checkpoint.floor?.seq ?? null,
          floor_hash: checkpoint.floor?.hash ?? null,
          exported_to: null,
          restored_archive: checkpoint.restoredArchive ?? null,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
  };
}

function toCheckpoint(row: CheckpointTables["audit_checkpoint"]): Checkpoint {
  return {
    seq: row.seq,
    fromSeq: row.from_seq,
    chainHash: Buffer.from(row.chain_hash),
    entryHashes: splitEntryHashes(Buffer.from(row.entry_hashes)),
    signedAt: row.signed_at.toISOString(),
    keyId: row.key_id,
    signature: Buffer.from(row.signature),
    ...(row.previous_hash ? { previous: Buffer.from(row.previous_hash), floor: { seq: row.floor_seq ?? 0, hash: Buffer.from(row.floor_hash ?? Buffer.alloc(32)) } } : {}),
    ...(row.restored_archive === null ? {} : { restoredArchive: row.restored_archive }),
  };
}
