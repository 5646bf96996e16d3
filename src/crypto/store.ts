import type { Executor } from "../db/index.js";

type CryptoTables = {
  crypto_kek: { id: string; master_key_id: string; wrapped: Uint8Array; created_at: Date; retired_at: Date | null };
  crypto_data_key: {
    id: string;
    kek_id: string;
    purpose: DataKeyPurpose;
    wrapped: Uint8Array | null;
    created_at: Date;
    shredded_at: Date | null;
  };
};

export type DataKeyPurpose = "patient" | "system" | "blind-index";

export interface KekRow {
  id: string;
  masterKeyId: string;
  wrapped: Buffer;
  createdAt?: Date;
}

export interface DataKeyRow {
  id: string;
  kekId: string;
  wrapped: Buffer | null;
}

/** SQL of the crypto module. */
export function createCryptoStore(executor: Executor) {
  const db = executor.withTables<CryptoTables>();
  return {
    /** `lock`: FOR SHARE, so a rotation's retire of this KEK waits for the caller's transaction (keyring.ts). */
    async activeKek(options: { lock?: boolean } = {}): Promise<KekRow | undefined> {
      let query = db
        .selectFrom("crypto_kek")
        .select(["id", "master_key_id", "wrapped", "created_at"])
        .where("retired_at", "is", null)
        .orderBy("created_at", "desc")
        .limit(1);
      if (options.lock) query = query.forShare();
      const row = await query.executeTakeFirst();
      return row && { id: row.id, masterKeyId: row.master_key_id, wrapped: Buffer.from(row.wrapped), createdAt: row.created_at };
    },
    async keyCounts(activeKekId: string): Promise<{ pendingRewrap: number; retiredKeks: number; masterKeyIdsInUse: string[] }> {
      const pending = await db.selectFrom("crypto_data_key").select((eb) => eb.fn.countAll<number>().as("n")).where("kek_id", "!=", activeKekId).executeTakeFirstOrThrow();
      const retired = await db.selectFrom("crypto_kek").select((eb) => eb.fn.countAll<number>().as("n")).where("retired_at", "is not", null).executeTakeFirstOrThrow();
      const masters = await db.selectFrom("crypto_kek").select("master_key_id").distinct().execute();
      return { pendingRewrap: Number(pending.n), retiredKeks: Number(retired.n), masterKeyIdsInUse: masters.map((row) => row.master_key_id) };
    },
    async shredDataKey(id: string, at: Date): Promise<void> {
      await db.updateTable("crypto_data_key").set({ wrapped: null, shredded_at: at }).where("id", "=", id).execute();
    },
    async kek(id: string): Promise<KekRow | undefined> {
      const row = await db.selectFrom("crypto_kek").select(["id", "master_key_id", "wrapped"]).where("id", "=", id).executeTakeFirst();
      return row && { id: row.id, masterKeyId: row.master_key_id, wrapped: Buffer.from(row.wrapped) };
    },
    async insertKek(row: KekRow, at: Date): Promise<void> {
      await db.insertInto("crypto_kek").values({ id: row.id, master_key_id: row.masterKeyId, wrapped: row.wrapped, created_at: at }).execute();
    },
    async dataKey(id: string): Promise<DataKeyRow | undefined> {
      const row = await db.selectFrom("crypto_data_key").select(["id", "kek_id", "wrapped"]).where("id", "=", id).executeTakeFirst();
      return row && { id: row.id, kekId: row.kek_id, wrapped: row.wrapped ? Buffer.from(row.wrapped) : null };
    },
    async firstDataKeyOf(purpose: DataKeyPurpose): Promise<DataKeyRow | undefined> {
      const row = await db
        .selectFrom("crypto_data_key")
        .select(["id", "kek_id", "wrapped"])
        .where("purpose", "=", purpose)
        .where("shredded_at", "is", null)
        .orderBy("created_at")
        .limit(1)
        .executeTakeFirst();
      return row && { id: row.id, kekId: row.kek_id, wrapped: row.wrapped ? Buffer.from(row.wrapped) : null };
    },
    async insertDataKey(row: DataKeyRow & { purpose: DataKeyPurpose }, at: Date): Promise<void> {
      await db
        .insertInto("crypto_data_key")
        .values({ id: row.id, kek_id: row.kekId, purpose: row.purpose, wrapped: row.wrapped, created_at: at })
        .execute();
    },
  };
}

export type CryptoStore = ReturnType<typeof createCryptoStore>;
