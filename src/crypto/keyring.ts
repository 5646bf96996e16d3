import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Database, Executor } from "../db/index.js";
import { AppError, type Clock } from "../kernel/index.js";
import { open, seal } from "./aes-gcm.js";
import type { KmsProvider } from "./kms.js";
import { createCryptoStore, type DataKeyPurpose } from "./store.js";

const envelopeVersion = 1;
const headerLength = 1 + 16;
const cacheLimit = 10_000;
const keyringInitLockKey = 7_262_002;
// Unwrapped data keys are cached this long, so a key shredded on another node stops being served within a minute.
// Wrapped keys are never cached: each cache miss reads the row, so a re-wrap (new kek_id + wrapped) is always seen.
const dataKeyCacheMs = 60_000;

/** Envelope encryption with the key hierarchy KMS master key → key-encryption key → data keys (design.md). */
export interface Keyring {
  /** Creates a data key (wrapped by the active KEK) inside the caller's transaction; returns its id. */
  createDataKey(purpose: DataKeyPurpose, executor?: Executor): Promise<string>;
  /**
   * Encrypts under a data key. `context` (e.g. `fhir:Patient/<id>/1`) must be given again to decrypt. Inside a
   * transaction, pass it as `executor`: a key not cached here is read through it, not through a second connection,
   * which PGlite's single session would never lend while the transaction holds it.
   */
  encrypt(dataKeyId: string, plaintext: Buffer, context: string, executor?: Executor): Promise<Buffer>;
  /**
   * `executor` as for `encrypt`.
   * @throws {AppError} `crypto.integrity` if the value or context was altered, `crypto.key_unavailable` if its key is shredded.
   */
  decrypt(envelope: Buffer, context: string, executor?: Executor): Promise<Buffer>;
  /** The data key for secrets the service itself keeps (e.g. TOTP seeds). */
  systemDataKeyId(): string;
  /** Keyed HMAC-SHA256 of a value, to find records by an encrypted field without storing it in clear. */
  blindIndex(field: string, value: string): Buffer;
  /** The key ids and rotation date last seen by this node; `keyStatus()` reads the database for the full picture. */
  status(): KeyStatus;
  /** Administrator-visible key status read from the database: active KEK, its date, re-wrap still pending. */
  keyStatus(): Promise<KeyStatus & { pendingRewrap: number; retiredKeks: number; masterKeyIdsInUse: string[] }>;
  /** Clears a data key's wrapped copy (crypto-shredding) inside the caller's transaction and forgets it here. */
  shredDataKey(dataKeyId: string, executor?: Executor): Promise<void>;
}

export interface KeyStatus {
  kmsKind: string;
  masterKeyId: string;
  kekId: string;
  /** When the active KEK was created, i.e. the last KEK rotation (or first start). */
  kekCreatedAt: Date | undefined;
}

/**
 * Opens the keyring, creating the first KEK and the system and blind-index data keys on a new database.
 * @throws {Error} when the KMS cannot unwrap the active KEK (wrong master key file).
 */
export async function createKeyring(deps: { db: Database; kms: KmsProvider; clock: Clock }): Promise<Keyring> {
  const { db, kms, clock } = deps;
  const store = createCryptoStore(db.kysely);
  const keks = new Map<string, Buffer>();
  const dataKeys = new Map<string, { key: Buffer; at: number }>();

  async function kekKey(id: string, executor: Executor): Promise<Buffer> {
    const cached = keks.get(id);
    if (cached) return cached;
    const row = await createCryptoStore(executor).kek(id);
    if (!row) throw new AppError("crypto.key_unavailable", { detail: `kek ${id} missing` });
    const key = await kms.unwrap(row.masterKeyId, row.wrapped, row.id);
    keks.set(id, key);
    return key;
  }

  // Ages are on the service clock, so a test can move past the cache lifetime without waiting for it. A clock set
  // back makes an age negative: that key is read again rather than kept longer.
  const nowMs = () => clock.now().getTime();
  const isFresh = (at: number) => {
    const age = nowMs() - at;
    return age >= 0 && age < dataKeyCacheMs;
  };

  async function dataKey(id: string, executor: Executor = db.kysely): Promise<Buffer> {
    const cached = dataKeys.get(id);
    if (cached && isFresh(cached.at)) return cached.key;
    const row = await createCryptoStore(executor).dataKey(id);
    if (!row?.wrapped) throw new AppError("crypto.key_unavailable", { detail: `data key ${id} missing or shredded` });
    const key = open(await kekKey(row.kekId, executor), row.wrapped, Buffer.from(`dek:${id}`));
    remember(id, key);
    return key;
  }

  function remember(id: string, key: Buffer): void {
    if (dataKeys.size >= cacheLimit) {
      const oldest = dataKeys.keys().next().value;
      if (oldest !== undefined) dataKeys.delete(oldest);
    }
    dataKeys.delete(id);
    dataKeys.set(id, { key, at: nowMs() });
  }

  let activeKek: { id: string; key: Buffer } | undefined;
  let observed: { kekId: string; kekCreatedAt: Date | undefined } | undefined;

  async function createDataKey(purpose: DataKeyPurpose, executor: Executor = db.kysely): Promise<string> {
    // The active KEK is read (and share-locked) on every creation, never kept from start-up: after a rotation, here
    // or on another node, a new data key lands under the new KEK, and the rotation's retire waits for this insert,
    // so the re-wrap that follows cannot miss it (rotation.ts). Reading inside `executor` keeps PGlite's single
    // connection free of a second borrower.
    const store = createCryptoStore(executor);
    const active = (await store.activeKek({ lock: true })) ?? (await store.activeKek({ lock: true }));
    if (!active) throw new AppError("crypto.key_unavailable", { detail: "no active key-encryption key" });
    let kek = keks.get(active.id);
    if (!kek) {
      kek = await kms.unwrap(active.masterKeyId, active.wrapped, active.id);
      keks.set(active.id, kek);
    }
    activeKek = { id: active.id, key: kek };
    observed = { kekId: active.id, kekCreatedAt: active.createdAt };
    const id = randomUUID();
    const key = randomBytes(32);
    const wrapped = seal(kek, key, Buffer.from(`dek:${id}`));
    await store.insertDataKey({ id, kekId: active.id, wrapped, purpose }, clock.now());
    remember(id, key);
    return id;
  }

  // First start creates the KEK and the service's own data keys. The advisory lock keeps two nodes starting
  // together on one empty database from creating two of each.
  const { systemKeyId, blindIndexKeyId } = await db.kysely.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${keyringInitLockKey})`.execute(connection);
    try {
      const initStore = createCryptoStore(connection);
      let active = await initStore.activeKek();
      if (!active) {
        const id = randomUUID();
        active = { id, masterKeyId: kms.masterKeyId, wrapped: await kms.wrap(randomBytes(32), id) };
        await initStore.insertKek(active, clock.now());
      }
      activeKek = { id: active.id, key: await kms.unwrap(active.masterKeyId, active.wrapped, active.id) };
      keks.set(activeKek.id, activeKek.key);
      observed = { kekId: active.id, kekCreatedAt: active.createdAt };
      const ensure = async (purpose: DataKeyPurpose) => (await initStore.firstDataKeyOf(purpose))?.id ?? createDataKey(purpose, connection);
      return { systemKeyId: await ensure("system"), blindIndexKeyId: await ensure("blind-index") };
    } finally {
      await sql`select pg_advisory_unlock(${keyringInitLockKey})`.execute(connection);
    }
  });
  const blindIndexKey = await dataKey(blindIndexKeyId);

  return {
    createDataKey,
    async encrypt(dataKeyId, plaintext, context, executor) {
      const key = await dataKey(dataKeyId, executor);
      const header = Buffer.alloc(headerLength);
      header.writeUInt8(envelopeVersion, 0);
      Buffer.from(dataKeyId.replaceAll("-", ""), "hex").copy(header, 1);
      return Buffer.concat([header, seal(key, plaintext, Buffer.concat([header, Buffer.from(context)]))]);
    },
    async decrypt(envelope, context, executor) {
      if (envelope.length < headerLength || envelope.readUInt8(0) !== envelopeVersion) {
        throw new AppError("crypto.integrity", { detail: "unknown envelope format" });
      }
      const header = envelope.subarray(0, headerLength);
      const key = await dataKey(formatUuid(header.subarray(1)), executor);
      try {
        return open(key, envelope.subarray(headerLength), Buffer.concat([header, Buffer.from(context)]));
      } catch (cause) {
        throw new AppError("crypto.integrity", { detail: "authentication tag mismatch", cause });
      }
    },
    systemDataKeyId: () => systemKeyId,
    blindIndex: (field, value) => createHmac("sha256", blindIndexKey).update(`${field}\u0000${value}`).digest(),
    status: () => ({ kmsKind: kms.kind, masterKeyId: kms.masterKeyId, kekId: observed!.kekId, kekCreatedAt: observed!.kekCreatedAt }),
    async keyStatus() {
      const active = await store.activeKek();
      if (active) observed = { kekId: active.id, kekCreatedAt: active.createdAt };
      const counts = await store.keyCounts(observed!.kekId);
      return { kmsKind: kms.kind, masterKeyId: kms.masterKeyId, kekId: observed!.kekId, kekCreatedAt: observed!.kekCreatedAt, ...counts };
    },
    async shredDataKey(dataKeyId, executor = db.kysely) {
      await createCryptoStore(executor).shredDataKey(dataKeyId, clock.now());
      // Unwrapped keys are cached by id; a shredded one must not be served from this node's cache. Other nodes
      // forget it within the cache lifetime (dataKeyCacheMs).
      dataKeys.delete(dataKeyId);
    },
  };
}

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
