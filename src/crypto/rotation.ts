import { randomBytes, randomUUID } from "node:crypto";
import type { Database } from "../db/index.js";
import { AppError, type Clock } from "../kernel/index.js";
import { open, seal } from "./aes-gcm.js";
import type { KmsProvider } from "./kms.js";
import { createRotationStore } from "./rotation-store.js";
import { createCryptoStore } from "./store.js";

/**
 * What a key operation reports for the audit trail. crypto sits below audit, so the caller (CLI, main.ts) turns
 * each event into an audit entry (conventions: events flow up).
 */
export interface KeyEvent {
  action: "crypto.kek_rotate" | "crypto.data_keys_rewrapped" | "crypto.master_key_rewrap" | "crypto.reencrypt";
  outcome: "success" | "failure";
  reasonCode: string;
  detail: Record<string, string | number>;
}

export interface RotationDeps {
  db: Database;
  kms: KmsProvider;
  clock: Clock;
  onEvent?: (event: KeyEvent) => Promise<void>;
  onProgress?: (progress: { done: number; remaining: number }) => void;
  /** Data keys re-wrapped per transaction. */
  pageSize?: number;
  /** Stops between pages (SIGINT, tests); a later `rewrapDataKeys` resumes. */
  signal?: AbortSignal;
}

/**
 * Rotates the key-encryption key without downtime: a new KEK (wrapped by the current master key) becomes active and
 * the old one is retired but kept, so every node keeps decrypting; then every data key is re-wrapped under the new
 * KEK in pages. Interrupted, `rewrapDataKeys` resumes (the to-do list is the data keys whose kek_id is not active).
 * @throws {Error} when the KMS cannot wrap or unwrap, or when `signal` aborts (the re-wrap resumes later).
 */
export async function rotateKek(deps: RotationDeps): Promise<{ newKekId: string; retiredKekIds: string[]; rewrapped: number }> {
  const { db, kms, clock } = deps;
  const newKekId = randomUUID();
  const wrapped = await kms.wrap(randomBytes(32), newKekId);
  const retiredKekIds = await db.kysely.transaction().execute(async (trx) => {
    await createCryptoStore(trx).insertKek({ id: newKekId, masterKeyId: kms.masterKeyId, wrapped }, clock.now());
    // Blocks until transactions that are creating a data key under the old KEK commit (FOR SHARE in the keyring);
    // after this commits, every new data key is created under the new KEK.
    const retired = await createRotationStore(trx).retireOtherKeks(newKekId, clock.now());
    await createRotationStore(trx).startJob({ id: randomUUID(), kind: "kek", fromId: retired.join(","), toId: newKekId, startedAt: clock.now() });
    return retired;
  });
  await deps.onEvent?.({ action: "crypto.kek_rotate", outcome: "success", reasonCode: "crypto.kek_rotated", detail: { newKekId, retiredKekIds: retiredKekIds.join(",") } });
  const rewrapped = await rewrapDataKeys(deps);
  return { newKekId, retiredKekIds, rewrapped };
}

/**
 * Re-wraps, page by page, every data key not under the active KEK; resumable and idempotent. Shredded keys
 * (no wrapped copy) only move their kek_id. Plaintext data keys never change, so nothing encrypted is touched.
 */
export async function rewrapDataKeys(deps: RotationDeps): Promise<number> {
  const { db, kms, clock } = deps;
  const pageSize = deps.pageSize ?? 500;
  const store = createRotationStore(db.kysely);
  const active = await createCryptoStore(db.kysely).activeKek();
  if (!active) throw new AppError("crypto.key_unavailable", { detail: "no active key-encryption key" });
  const activeKey = await kms.unwrap(active.masterKeyId, active.wrapped, active.id);
  const oldKeys = new Map<string, Buffer>();
  const job = await store.unfinishedJob("kek");
  let done = 0;
  for (;;) {
    if (deps.signal?.aborted) throw new Error("re-wrap interrupted; run it again to resume");
    const page = await store.dataKeysNotUnder(active.id, pageSize);
    if (page.length === 0) break;
    const rows: { id: string; fromKekId: string; wrapped: Buffer | null }[] = [];
    for (const row of page) {
      let oldKey = oldKeys.get(row.kekId);
      if (!oldKey) {
        const kek = await createCryptoStore(db.kysely).kek(row.kekId);
        if (!kek) throw new AppError("crypto.key_unavailable", { detail: `kek ${row.kekId} missing` });
        oldKey = await kms.unwrap(kek.masterKeyId, kek.wrapped, kek.id);
        oldKeys.set(row.kekId, oldKey);
      }
      const aad = Buffer.from(`dek:${row.id}`);
      rows.push({ id: row.id, fromKekId: row.kekId, wrapped: row.wrapped && seal(activeKey, open(oldKey, row.wrapped, aad), aad) });
    }
    const moved = await db.kysely.transaction().execute(async (trx) => {
      const count = await createRotationStore(trx).rewrapDataKeys(active.id, rows);
      if (job) await createRotationStore(trx).progressJob(job.id, count);
      return count;
    });
    done += moved;
    deps.onProgress?.({ done, remaining: (await createCryptoStore(db.kysely).keyCounts(active.id)).pendingRewrap });
  }
  if (job) await store.finishJob(job.id, clock.now());
  await deps.onEvent?.({ action: "crypto.data_keys_rewrapped", outcome: "success", reasonCode: "crypto.rewrap_complete", detail: { kekId: active.id, rewrapped: done } });
  return done;
}

/**
 * Re-wraps every KEK under the KMS's current master key (after a new master key generation); the old master key
 * must stay readable in the KMS until this returns. Idempotent.
 */
export async function rewrapKeks(deps: Pick<RotationDeps, "db" | "kms" | "clock" | "onEvent">): Promise<number> {
  const { db, kms, clock } = deps;
  const store = createRotationStore(db.kysely);
  const keks = await store.keksNotUnder(kms.masterKeyId);
  const jobId = randomUUID();
  await store.startJob({ id: jobId, kind: "master-key", fromId: [...new Set(keks.map((kek) => kek.masterKeyId))].join(","), toId: kms.masterKeyId, startedAt: clock.now() });
  for (const kek of keks) {
    const key = await kms.unwrap(kek.masterKeyId, kek.wrapped, kek.id);
    await store.rewrapKek(kek.id, kek.masterKeyId, kms.masterKeyId, await kms.wrap(key, kek.id));
  }
  await store.progressJob(jobId, keks.length);
  await store.finishJob(jobId, clock.now());
  await deps.onEvent?.({ action: "crypto.master_key_rewrap", outcome: "success", reasonCode: "crypto.master_key_rotated", detail: { masterKeyId: kms.masterKeyId, keks: keks.length } });
  return keks.length;
}
