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
    async activeKek(): Promise<KekRow | undefined> {
      const row = await db
        .selectFrom("crypto_kek")
        .select(["id", "master_key_id", "wrapped"])
        .where("retired_at", "is", null)
        .orderBy("created_at", "desc")
        .limit(1)
        .executeTakeFirst();
      return row && { id: row.id, masterKeyId: row.master_key_id, wrapped: Buffer.from(row.wrapped) };
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
