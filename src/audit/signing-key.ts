import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import type { Keyring } from "../crypto/index.js";
import type { Database, Executor } from "../db/index.js";
import type { Clock } from "../kernel/index.js";
import { createCheckpointStore } from "./checkpoint-store.js";

export interface SigningKey {
  id: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyDer: Buffer;
}

const context = (id: string) => `audit:signing-key:${id}`;

/**
 * The newest Ed25519 checkpoint signing key that our keyring can open, created on first use; its private half is
 * stored encrypted. A row someone planted without our keys is passed over, so it can neither sign nor block.
 */
export async function loadSigningKey(deps: { db: Database; keyring: Keyring; clock: Clock }): Promise<SigningKey> {
  const store = createCheckpointStore(deps.db.kysely);
  for (const candidate of await store.activeSigningKeys()) {
    try {
      return await open(candidate, deps.keyring);
    } catch {
      // Not ours; try the next.
    }
  }
  const id = randomUUID();
  const pair = generateKeyPairSync("ed25519");
  const publicKeyDer = pair.publicKey.export({ format: "der", type: "spki" });
  const sealed = await deps.keyring.encrypt(deps.keyring.systemDataKeyId(), pair.privateKey.export({ format: "der", type: "pkcs8" }), context(id));
  await store.insertSigningKey({ id, publicKey: publicKeyDer, privateKey: sealed }, deps.clock.now());
  return open({ id, publicKey: publicKeyDer, privateKey: sealed }, deps.keyring);
}

/**
 * Public keys the verifier may trust from the database: only those whose private half decrypts with our keyring
 * and matches, so a database writer cannot plant a key of their own to sign forged checkpoints.
 */
export async function trustedDatabaseKeys(deps: { db: Database; keyring: Keyring }): Promise<Map<string, KeyObject>> {
  return trustedKeysIn(deps.db.kysely, deps.keyring);
}

/** trustedDatabaseKeys read through a given executor (inside a transaction). */
export async function trustedKeysIn(executor: Executor, keyring: Keyring): Promise<Map<string, KeyObject>> {
  const trusted = new Map<string, KeyObject>();
  for (const row of await createCheckpointStore(executor).signingKeys()) {
    try {
      const key = await open(row, keyring);
      if (key.publicKeyDer.equals(row.publicKey)) trusted.set(row.id, key.publicKey);
    } catch {
      // Not ours: left out, so checkpoints signed with it fail verification.
    }
  }
  return trusted;
}

async function open(row: { id: string; publicKey: Buffer; privateKey: Buffer }, keyring: Keyring): Promise<SigningKey> {
  const privateKey = createPrivateKey({ key: await keyring.decrypt(row.privateKey, context(row.id)), format: "der", type: "pkcs8" });
  const publicKey = createPublicKey(privateKey);
  return { id: row.id, privateKey, publicKey, publicKeyDer: publicKey.export({ format: "der", type: "spki" }) };
}
