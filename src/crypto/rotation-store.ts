import { sql, type Generated } from "kysely";
import { randomUUID } from "node:crypto";
import type { Executor } from "../db/index.js";

type RotationTables = {
  crypto_kek: { id: string; master_key_id: string; wrapped: Uint8Array; created_at: Date; retired_at: Date | null };
  crypto_data_key: { id: string; kek_id: string; wrapped: Uint8Array | null };
  crypto_rotation: {
    id: string;
    kind: RotationKind;
    from_id: string | null;
    to_id: string;
    started_at: Date;
    finished_at: Date | null;
    done: Generated<number>;
    cursor: string | null;
  };
};

/** State of long key jobs (re-wrap, re-encryption) for modules above crypto; they never touch the table directly. */
export const rotationJobs = createRotationStoreForJobs;

function createRotationStoreForJobs(executor: Executor) {
  const { startNewJob, unfinishedJob, lastJob, progressJob, finishJob } = createRotationStore(executor);
  return { startNewJob, unfinishedJob, lastJob, progressJob, finishJob };
}

export type RotationKind = "kek" | "master-key" | "reencrypt";

export interface RotationRow {
  id: string;
  kind: RotationKind;
  fromId: string | null;
  toId: string;
  startedAt: Date;
  finishedAt: Date | null;
  done: number;
  cursor: string | null;
}

/** SQL of key rotation: KEK retire, data-key re-wrap pages, master-key re-wrap of KEKs, job state. */
export function createRotationStore(executor: Executor) {
  const db = executor.withTables<RotationTables>();
  return {
    /** Retires every active KEK but `keepId`; waits for transactions that share-locked one (keyring.createDataKey). */
    async retireOtherKeks(keepId: string, at: Date): Promise<string[]> {
      const rows = await db.updateTable("crypto_kek").set({ retired_at: at }).where("retired_at", "is", null).where("id", "!=", keepId).returning("id").execute();
      return rows.map((row) => row.id);
    },
    /** The next page of data keys not under `activeKekId`, in id order. */
    async dataKeysNotUnder(activeKekId: string, limit: number) {
      const rows = await db.selectFrom("crypto_data_key").select(["id", "kek_id", "wrapped"]).where("kek_id", "!=", activeKekId).orderBy("id").limit(limit).execute();
      return rows.map((row) => ({ id: row.id, kekId: row.kek_id, wrapped: row.wrapped ? Buffer.from(row.wrapped) : null }));
    },
    /** Moves a page of data keys to the new KEK in one statement; a row changed meanwhile (kek_id moved) is left alone. */
    async rewrapDataKeys(toKekId: string, rows: { id: string; fromKekId: string; wrapped: Buffer | null }[]): Promise<number> {
      if (rows.length === 0) return 0;
      const values = sql.join(rows.map((row) => sql`(${row.id}::uuid, ${row.fromKekId}::uuid, ${row.wrapped}::bytea)`));
      const result = await sql`
        update crypto_data_key as d set kek_id = ${toKekId}::uuid, wrapped = v.wrapped
        from (values ${values}) as v(id, from_kek, wrapped)
        where d.id = v.id and d.kek_id = v.from_kek`.execute(executor);
      return Number(result.numAffectedRows ?? 0);
    },
    async keksNotUnder(masterKeyId: string) {
      const rows = await db.selectFrom("crypto_kek").select(["id", "master_key_id", "wrapped"]).where("master_key_id", "!=", masterKeyId).execute();
      return rows.map((row) => ({ id: row.id, masterKeyId: row.master_key_id, wrapped: Buffer.from(row.wrapped) }));
    },
    async rewrapKek(id: string, fromMasterKeyId: string, masterKeyId: string, wrapped: Buffer): Promise<void> {
      await db.updateTable("crypto_kek").set({ master_key_id: masterKeyId, wrapped }).where("id", "=", id).where("master_key_id", "=", fromMasterKeyId).execute();
    },
    async startJob(row: Omit<RotationRow, "finishedAt" | "done" | "cursor">): Promise<void> {
      await db.insertInto("crypto_rotation").values({ id: row.id, kind: row.kind, from_id: row.fromId, to_id: row.toId, started_at: row.startedAt }).execute();
    },
    async startNewJob(row: Omit<RotationRow, "id" | "finishedAt" | "done" | "cursor">): Promise<RotationRow> {
      const id = randomUUID();
      await db.insertInto("crypto_rotation").values({ id, kind: row.kind, from_id: row.fromId, to_id: row.toId, started_at: row.startedAt }).execute();
      return { ...row, id, finishedAt: null, done: 0, cursor: null };
    },
    async unfinishedJob(kind: RotationKind): Promise<RotationRow | undefined> {
      const row = await db.selectFrom("crypto_rotation").selectAll().where("kind", "=", kind).where("finished_at", "is", null).orderBy("started_at", "desc").limit(1).executeTakeFirst();
      return row && toRow(row);
    },
    async lastJob(kind: RotationKind): Promise<RotationRow | undefined> {
      const row = await db.selectFrom("crypto_rotation").selectAll().where("kind", "=", kind).orderBy("started_at", "desc").limit(1).executeTakeFirst();
      return row && toRow(row);
    },
    async progressJob(id: string, done: number, cursor?: string): Promise<void> {
      await db.updateTable("crypto_rotation").set({ done: sql`done + ${done}`, ...(cursor === undefined ? {} : { cursor }) }).where("id", "=", id).execute();
    },
    async finishJob(id: string, at: Date): Promise<void> {
      await db.updateTable("crypto_rotation").set({ finished_at: at }).where("id", "=", id).execute();
    },
  };
}

function toRow(row: { id: string; kind: RotationKind; from_id: string | null; to_id: string; started_at: Date; finished_at: Date | null; done: number; cursor: string | null }): RotationRow {
  return { id: row.id, kind: row.kind, fromId: row.from_id, toId: row.to_id, startedAt: row.started_at, finishedAt: row.finished_at, done: Number(row.done), cursor: row.cursor };
}
