import { sql } from "kysely";
import type { Executor } from "../../db/index.js";

type OidcTables = {
  oidc_artifact: {
    id_hash: Uint8Array;
    model: string;
    payload: Record<string, unknown>;
    grant_hash: Uint8Array | null;
    uid_hash: Uint8Array | null;
    account_id: string | null;
    expires_at: Date | null;
    consumed_at: Date | null;
  };
  oidc_signing_key: {
    kid: string;
    alg: string;
    public_jwk: Record<string, unknown>;
    private_jwk: Uint8Array;
    status: SigningKeyStatus;
    created_at: Date;
    retired_at: Date | null;
  };
  oidc_client: {
    client_id: string;
    name: string;
    secret: Uint8Array | null;
    redirect_uris: string[];
    post_logout_redirect_uris: string[];
    scopes: string;
    is_confidential: boolean;
    is_first_party: boolean;
    status: "active" | "disabled";
    created_at: Date;
    created_by: string;
  };
};

export type SigningKeyStatus = "active" | "published" | "retired";

export interface ArtifactRow {
  idHash: Buffer;
  model: string;
  payload: Record<string, unknown>;
  grantHash: Buffer | null;
  uidHash: Buffer | null;
  accountId: string | null;
  expiresAt: Date | null;
}

export interface SigningKeyRow {
  kid: string;
  alg: string;
  publicJwk: Record<string, unknown>;
  privateJwk: Buffer;
  status: SigningKeyStatus;
  createdAt: Date;
}

export interface ClientRow {
  clientId: string;
  name: string;
  secret: Buffer | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  scopes: string;
  isConfidential: boolean;
  isFirstParty: boolean;
  status: "active" | "disabled";
  createdAt: Date;
  createdBy: string;
}

/** SQL of the OIDC provider: artifacts, signing keys, registered clients. */
export function createOidcStore(executor: Executor) {
  const db = executor.withTables<OidcTables>();
  return {
    async upsertArtifact(row: ArtifactRow): Promise<void> {
      const values = {
        id_hash: row.idHash,
        model: row.model,
        payload: JSON.stringify(row.payload) as unknown as Record<string, unknown>,
        grant_hash: row.grantHash,
        uid_hash: row.uidHash,
        account_id: row.accountId,
        expires_at: row.expiresAt,
      };
      await db
        .insertInto("oidc_artifact")
        .values(values)
        .onConflict((oc) => oc.column("id_hash").doUpdateSet({ payload: values.payload, grant_hash: values.grant_hash, uid_hash: values.uid_hash, account_id: values.account_id, expires_at: values.expires_at }))
        .execute();
    },
    async artifact(column: "id_hash" | "uid_hash", hash: Buffer, now: Date): Promise<{ payload: Record<string, unknown>; consumedAt: Date | null } | undefined> {
      const row = await db
        .selectFrom("oidc_artifact")
        .select(["payload", "consumed_at"])
        .where(column, "=", hash)
        .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
        .executeTakeFirst();
      return row && { payload: row.payload, consumedAt: row.consumed_at };
    },
    async consume(idHash: Buffer, at: Date): Promise<void> {
      await db.updateTable("oidc_artifact").set({ consumed_at: at }).where("id_hash", "=", idHash).execute();
    },
    async destroy(idHash: Buffer): Promise<void> {
      await db.deleteFrom("oidc_artifact").where("id_hash", "=", idHash).execute();
    },
    async destroyGrant(grantHash: Buffer): Promise<void> {
      await db.deleteFrom("oidc_artifact").where("grant_hash", "=", grantHash).execute();
    },
    /** Deletes every artifact of an account (tokens, grants, provider sessions); returns how many. */
    async destroyAccount(accountId: string): Promise<number> {
      const result = await db.deleteFrom("oidc_artifact").where("account_id", "=", accountId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async purgeExpired(now: Date): Promise<void> {
      await db.deleteFrom("oidc_artifact").where("expires_at", "<=", now).execute();
    },

    async signingKeys(): Promise<SigningKeyRow[]> {
      const rows = await db.selectFrom("oidc_signing_key").selectAll().where("status", "!=", "retired").orderBy("created_at", "desc").execute();
      return rows.map((row) => ({ kid: row.kid, alg: row.alg, publicJwk: row.public_jwk, privateJwk: Buffer.from(row.private_jwk), status: row.status, createdAt: row.created_at }));
    },
    /** Makes `row` the active key: the active one becomes published, published ones retired. */
    async rotateSigningKey(row: SigningKeyRow, at: Date): Promise<void> {
      await db.updateTable("oidc_signing_key").set({ status: "retired", retired_at: at }).where("status", "=", "published").execute();
      await db.updateTable("oidc_signing_key").set({ status: "published" }).where("status", "=", "active").execute();
      await db
        .insertInto("oidc_signing_key")
        .values({ kid: row.kid, alg: row.alg, public_jwk: JSON.stringify(row.publicJwk) as unknown as Record<string, unknown>, private_jwk: row.privateJwk, status: "active", created_at: at })
        .execute();
    },
    async activeSigningKid(): Promise<string | undefined> {
      return (await db.selectFrom("oidc_signing_key").select("kid").where("status", "=", "active").executeTakeFirst())?.kid;
    },
    async lockSigningKeys(): Promise<void> {
      await sql`lock table oidc_signing_key in exclusive mode`.execute(db);
    },

    async insertClient(row: ClientRow): Promise<void> {
      await db
        .insertInto("oidc_client")
        .values({
          client_id: row.clientId,
          name: row.name,
          secret: row.secret,
          redirect_uris: row.redirectUris,
          post_logout_redirect_uris: row.postLogoutRedirectUris,
          scopes: row.scopes,
          is_confidential: row.isConfidential,
          is_first_party: row.isFirstParty,
          status: row.status,
          created_at: row.createdAt,
          created_by: row.createdBy,
        })
        .execute();
    },
    async client(clientId: string): Promise<ClientRow | undefined> {
      const row = await db.selectFrom("oidc_client").selectAll().where("client_id", "=", clientId).executeTakeFirst();
      return row && toClient(row);
    },
    async clients(): Promise<ClientRow[]> {
      return (await db.selectFrom("oidc_client").selectAll().orderBy("created_at").execute()).map(toClient);
    },
    async setClientStatus(clientId: string, status: "active" | "disabled"): Promise<boolean> {
      const result = await db.updateTable("oidc_client").set({ status }).where("client_id", "=", clientId).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

function toClient(row: OidcTables["oidc_client"]): ClientRow {
  return {
    clientId: row.client_id,
    name: row.name,
    secret: row.secret ? Buffer.from(row.secret) : null,
    redirectUris: row.redirect_uris,
    postLogoutRedirectUris: row.post_logout_redirect_uris,
    scopes: row.scopes,
    isConfidential: row.is_confidential,
    isFirstParty: row.is_first_party,
    status: row.status,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

export type OidcStore = ReturnType<typeof createOidcStore>;
