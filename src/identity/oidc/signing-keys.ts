import { generateKeyPairSync, type webcrypto } from "node:crypto";

type JsonWebKey = webcrypto.JsonWebKey;
import type { Keyring } from "../../crypto/index.js";
import type { Database } from "../../db/index.js";
import { newSecretToken, type Clock } from "../../kernel/index.js";
import { createOidcStore } from "./store.js";

const alg = "ES256";
const privateContext = (kid: string) => `oidc:signing-key:${kid}`;

export interface SigningKeySet {
  /** Private JWKs for the provider, the active (signing) key first. */
  keys: (JsonWebKey & { kid: string; alg: string; use: string })[];
  activeKid: string;
}

/**
 * ES256 token signing keys. The first start creates one; rotation makes a new key the signer and keeps the previous
 * one published (tokens it signed still verify) until the next rotation retires it. Private keys are stored
 * envelope-encrypted under the keyring's system data key.
 */
export function createSigningKeys(deps: { db: Database; keyring: Keyring; clock: Clock }) {
  const { db, keyring, clock } = deps;

  async function generate(): Promise<{ kid: string; publicJwk: JsonWebKey; privateJwk: Buffer }> {
    const kid = newSecretToken().slice(0, 16);
    const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const privateJwk = Buffer.from(JSON.stringify(privateKey.export({ format: "jwk" })));
    return { kid, publicJwk: publicKey.export({ format: "jwk" }), privateJwk: await keyring.encrypt(keyring.systemDataKeyId(), privateJwk, privateContext(kid)) };
  }

  async function rotate(): Promise<string> {
    const key = await generate();
    await db.kysely.transaction().execute(async (trx) => {
      const store = createOidcStore(trx);
      await store.lockSigningKeys();
      await store.rotateSigningKey({ kid: key.kid, alg, publicJwk: key.publicJwk as Record<string, unknown>, privateJwk: key.privateJwk, status: "active", createdAt: clock.now() }, clock.now());
    });
    return key.kid;
  }

  return {
    /** Makes a new key the signer; the previous signer stays published, older ones are retired. Returns its kid. */
    rotate,

    /** The published keys with their private parts, creating the first key when there is none. */
    async load(): Promise<SigningKeySet> {
      let rows = await createOidcStore(db.kysely).signingKeys();
      if (!rows.some((row) => row.status === "active")) {
        await rotate();
        rows = await createOidcStore(db.kysely).signingKeys();
      }
      const ordered = [...rows].sort((a, b) => (a.status === "active" ? -1 : b.status === "active" ? 1 : 0));
      const keys = [];
      for (const row of ordered) {
        const jwk = JSON.parse((await keyring.decrypt(row.privateJwk, privateContext(row.kid))).toString("utf8")) as JsonWebKey;
        keys.push({ ...jwk, kid: row.kid, alg: row.alg, use: "sig" });
      }
      return { keys, activeKid: ordered[0]!.kid };
    },
  };
}

export type SigningKeys = ReturnType<typeof createSigningKeys>;
