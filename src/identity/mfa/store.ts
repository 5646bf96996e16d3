import type { Executor } from "../../db/index.js";

type MfaTables = {
  identity_account: { id: string };
  identity_totp: { account_id: string; confirmed_at: Date | null };
  identity_recovery_code: { account_id: string; code_hash: Uint8Array; created_at: Date; used_at: Date | null };
  identity_webauthn_credential: {
    id: string;
    account_id: string;
    public_key: Uint8Array;
    counter: string | number;
    transports: string[];
    name: string;
    created_at: Date;
    last_used_at: Date | null;
  };
};

export interface PasskeyRow {
  /** Credential id, base64url (as WebAuthn responses carry it). */
  id: string;
  accountId: string;
  publicKey: Buffer;
  counter: number;
  transports: string[];
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

function toPasskey(row: MfaTables["identity_webauthn_credential"]): PasskeyRow {
  return {
    id: row.id,
    accountId: row.account_id,
    publicKey: Buffer.from(row.public_key),
    counter: Number(row.counter),
    transports: row.transports,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

/** SQL of the second factors beyond the TOTP secret itself: recovery codes and WebAuthn credentials. */
export function createMfaStore(executor: Executor) {
  const db = executor.withTables<MfaTables>();
  return {
    /** Replaces the account's recovery codes with a new set (the old set is withdrawn). */
    async replaceRecoveryCodes(accountId: string, hashes: Buffer[], at: Date): Promise<void> {
      await db.deleteFrom("identity_recovery_code").where("account_id", "=", accountId).execute();
      await db
        .insertInto("identity_recovery_code")
        .values(hashes.map((hash) => ({ account_id: accountId, code_hash: hash, created_at: at, used_at: null })))
        .execute();
    },
    /** Marks an unused code used; false when no such unused code exists (wrong, or already used). */
    async useRecoveryCode(accountId: string, hash: Buffer, at: Date): Promise<boolean> {
      const result = await db
        .updateTable("identity_recovery_code")
        .set({ used_at: at })
        .where("account_id", "=", accountId)
        .where("code_hash", "=", hash)
        .where("used_at", "is", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async countUnusedRecoveryCodes(accountId: string): Promise<number> {
      const row = await db
        .selectFrom("identity_recovery_code")
        .select((eb) => eb.fn.countAll<string | number>().as("n"))
        .where("account_id", "=", accountId)
        .where("used_at", "is", null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async deleteRecoveryCodes(accountId: string): Promise<void> {
      await db.deleteFrom("identity_recovery_code").where("account_id", "=", accountId).execute();
    },
    async insertPasskey(row: PasskeyRow): Promise<void> {
      await db
        .insertInto("identity_webauthn_credential")
        .values({
          id: row.id,
          account_id: row.accountId,
          public_key: row.publicKey,
          counter: row.counter,
          transports: row.transports,
          name: row.name,
          created_at: row.createdAt,
          last_used_at: row.lastUsedAt,
        })
        .execute();
    },
    async passkeys(accountId: string): Promise<PasskeyRow[]> {
      const rows = await db.selectFrom("identity_webauthn_credential").selectAll().where("account_id", "=", accountId).orderBy("created_at").execute();
      return rows.map(toPasskey);
    },
    async passkey(accountId: string, id: string): Promise<PasskeyRow | undefined> {
      const row = await db.selectFrom("identity_webauthn_credential").selectAll().where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
      return row && toPasskey(row);
    },
    async passkeyExists(id: string): Promise<boolean> {
      return (await db.selectFrom("identity_webauthn_credential").select("id").where("id", "=", id).executeTakeFirst()) !== undefined;
    },
    /**
     * Records a use with its new signature counter; false when another use got there first with the same or a
     * higher counter (two nodes, or a cloned authenticator racing the original). Counters that stay 0 are
     * authenticators that do not count (WebAuthn L3 §6.1.1), which the library already allows.
     */
    async recordPasskeyUse(accountId: string, id: string, counter: number, at: Date): Promise<boolean> {
      const result = await db
        .updateTable("identity_webauthn_credential")
        .set({ counter, last_used_at: at })
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .where((eb) => (counter === 0 ? eb("counter", "=", 0) : eb("counter", "<", counter)))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async deletePasskey(accountId: string, id: string): Promise<boolean> {
      const result = await db.deleteFrom("identity_webauthn_credential").where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
    async deleteTotp(accountId: string): Promise<boolean> {
      const result = await db.deleteFrom("identity_totp").where("account_id", "=", accountId).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
    /** Holds the account row until the transaction ends, so two factor removals cannot both pass the last-factor check. */
    async lockAccount(accountId: string): Promise<void> {
      await db.selectFrom("identity_account").select("id").where("id", "=", accountId).forUpdate().execute();
    },
    async totpConfirmedAt(accountId: string): Promise<Date | null> {
      const row = await db.selectFrom("identity_totp").select("confirmed_at").where("account_id", "=", accountId).executeTakeFirst();
      return row?.confirmed_at ?? null;
    },
  };
}

export type MfaStore = ReturnType<typeof createMfaStore>;
