import { createHash } from "node:crypto";
import type { Adapter, AdapterPayload } from "oidc-provider";
import type { Keyring } from "../../crypto/index.js";
import type { Database } from "../../db/index.js";
import { createOidcStore } from "./store.js";

/** Lookup key of an artifact: SHA-256 of model and id, so the table never holds a presentable token. */
export function artifactHash(model: string, id: string): Buffer {
  return createHash("sha256").update(`${model}:${id}`, "utf8").digest();
}

const sealedSessionIdField = "sealedJti";

/**
 * oidc-provider's storage over the `oidc_artifact` table. The id of an artifact (the value of an opaque access or
 * refresh token, of an authorization code, of the provider's session cookie) is dropped from the stored payload and
 * re-attached on lookup; the Session id, needed again when a session is found by its uid, is envelope-encrypted.
 * Registered clients come from `oidc_client` through `clientMetadata`.
 */
export function createAdapterFactory(deps: {
  db: Database;
  keyring: Keyring;
  clientMetadata: (clientId: string) => Promise<AdapterPayload | undefined>;
}): (name: string) => Adapter {
  const store = () => createOidcStore(deps.db.kysely);
  const sessionContext = "oidc:Session";

  return (model: string): Adapter => {
    async function restore(id: string | undefined, found: { payload: Record<string, unknown>; consumedAt: Date | null }): Promise<AdapterPayload> {
      const { [sealedSessionIdField]: sealed, ...payload } = found.payload;
      let jti = id;
      if (typeof sealed === "string") jti = (await deps.keyring.decrypt(Buffer.from(sealed, "base64"), sessionContext)).toString("utf8");
      return { ...payload, ...(jti ? { jti } : {}), ...(found.consumedAt ? { consumed: Math.floor(found.consumedAt.getTime() / 1000) } : {}) } as AdapterPayload;
    }

    return {
      async upsert(id, payload, expiresIn) {
        const { jti: _jti, ...rest } = payload as AdapterPayload & { jti?: string };
        const stored: Record<string, unknown> = { ...rest };
        if (model === "Session") stored[sealedSessionIdField] = (await deps.keyring.encrypt(deps.keyring.systemDataKeyId(), Buffer.from(id, "utf8"), sessionContext)).toString("base64");
        const accountId = payload.accountId ?? (payload.session as { accountId?: string } | undefined)?.accountId;
        await store().upsertArtifact({
          idHash: artifactHash(model, id),
          model,
          payload: stored,
          grantHash: payload.grantId ? artifactHash("Grant", payload.grantId) : model === "Grant" ? artifactHash("Grant", id) : null,
          uidHash: payload.uid ? artifactHash(`${model}/uid`, payload.uid) : null,
          accountId: accountId ?? null,
          expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
        });
      },
      async find(id) {
        if (model === "Client") return deps.clientMetadata(id);
        const found = await store().artifact("id_hash", artifactHash(model, id), new Date());
        return found && restore(id, found);
      },
      async findByUid(uid) {
        const found = await store().artifact("uid_hash", artifactHash(`${model}/uid`, uid), new Date());
        return found && restore(undefined, found);
      },
      async findByUserCode() {
        // The device flow is not enabled.
        return undefined;
      },
      async consume(id) {
        await store().consume(artifactHash(model, id), new Date());
      },
      async destroy(id) {
        await store().destroy(artifactHash(model, id));
      },
      async revokeByGrantId(grantId) {
        await store().destroyGrant(artifactHash("Grant", grantId));
      },
    };
  };
}
