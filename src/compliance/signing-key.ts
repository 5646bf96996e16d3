import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import type { Keyring } from "../crypto/index.js";
import type { Clock } from "../kernel/index.js";
import type { ComplianceStore } from "./store.js";

export interface AttestationKey {
  id: string;
  privateKey: KeyObject;
}

const context = (id: string) => `compliance:signing-key:${id}`;

/**
 * The Ed25519 key that signs attestations, created on first use with its private half envelope-encrypted by the
 * keyring (as the audit checkpoint key is kept). A row planted without our keys cannot be opened and is skipped.
 */
export async function loadAttestationKey(deps: { store: ComplianceStore; keyring: Keyring; clock: Clock }): Promise<AttestationKey> {
  for (const row of await deps.store.signingKeys()) {
    const opened = await open(row, deps.keyring).catch(() => undefined);
    if (opened) return { id: row.id, privateKey: opened.privateKey };
  }
  const id = randomUUID();
  const pair = generateKeyPairSync("ed25519");
  const sealed = await deps.keyring.encrypt(deps.keyring.systemDataKeyId(), pair.privateKey.export({ format: "der", type: "pkcs8" }), context(id));
  await deps.store.insertSigningKey({ id, publicKey: pair.publicKey.export({ format: "der", type: "spki" }), privateKey: sealed }, deps.clock.now());
  return { id, privateKey: pair.privateKey };
}

/** Public keys whose private half our keyring opens and matches: only these may vouch for an attestation. */
export async function trustedAttestationKeys(deps: { store: ComplianceStore; keyring: Keyring }): Promise<Map<string, KeyObject>> {
  const trusted = new Map<string, KeyObject>();
  for (const row of await deps.store.signingKeys()) {
    const opened = await open(row, deps.keyring).catch(() => undefined);
    if (opened && opened.publicKeyDer.equals(row.publicKey)) trusted.set(row.id, opened.publicKey);
  }
  return trusted;
}

async function open(row: { id: string; privateKey: Buffer }, keyring: Keyring) {
  const privateKey = createPrivateKey({ key: await keyring.decrypt(row.privateKey, context(row.id)), format: "der", type: "pkcs8" });
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyDer: publicKey.export({ format: "der", type: "spki" }) };
}
