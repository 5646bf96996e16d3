import type { Audit, AuditEntry } from "../audit/index.js";
import { rotationJobs, type Keyring } from "../crypto/index.js";
import type { Database } from "../db/index.js";
import type { Clock } from "../kernel/index.js";
import { createReencryptStore } from "./reencrypt-store.js";

const bodyContext = (type: string, id: string, version: number) => `fhir:${type}/${id}/_history/${version}`;
const operator = { actor: { roles: ["operator"] }, network: { ip: "local", userAgent: "mamori-cli" } } satisfies Pick<AuditEntry, "actor" | "network">;

/**
 * Full re-encryption: each patient's resource versions are decrypted and encrypted again under a fresh data key,
 * one patient per transaction, in patient id order. The job's cursor (crypto_rotation) moves with each patient, so
 * after an interruption a new run resumes after the last patient finished. The previous key is kept (other modules'
 * values, e.g. uploads, may be under it) and listed for crypto-shredding. Audited at start and end.
 * @throws {Error} when `signal` aborts (resume by running again) or a value fails to decrypt.
 */
export async function reencryptAll(deps: {
  db: Database;
  keyring: Keyring;
  audit: Audit;
  clock: Clock;
  pageSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { patients: number; cursor: string }) => void;
}): Promise<{ patients: number; versions: number }> {
  const { db, keyring, audit, clock } = deps;
  const jobs = rotationJobs(db.kysely);
  const job = (await jobs.unfinishedJob("reencrypt")) ?? (await jobs.startNewJob({ kind: "reencrypt", fromId: null, toId: "fresh-data-keys", startedAt: clock.now() }));
  await audit.record({ ...operator, action: "crypto.reencrypt", outcome: "success", reasonCode: job.cursor ? "crypto.reencrypt_resumed" : "crypto.reencrypt_started", resource: { type: "Key", id: job.id } });
  let cursor = job.cursor ?? "";
  let patients = 0;
  let versions = 0;
  for (;;) {
    const page = await createReencryptStore(db.kysely).patientsAfter(cursor, deps.pageSize ?? 100);
    if (page.length === 0) break;
    for (const patient of page) {
      if (deps.signal?.aborted) throw new Error("re-encryption interrupted; run it again to resume");
      // Decrypted before the transaction, so the transaction holds the patient's rows only while they are rewritten.
      const plain: { resourceType: string; id: string; version: number; dataKeyId: string; plaintext: Buffer }[] = [];
      for (const row of await createReencryptStore(db.kysely).versions(patient.patientId)) {
        plain.push({ ...row, plaintext: await keyring.decrypt(row.body, bodyContext(row.resourceType, row.id, row.version)) });
      }
      await db.kysely.transaction().execute(async (trx) => {
        const store = createReencryptStore(trx);
        const fresh = await keyring.createDataKey("patient", trx);
        for (const row of plain) {
          const body = await keyring.encrypt(fresh, row.plaintext, bodyContext(row.resourceType, row.id, row.version), trx);
          versions += await store.replaceBody({ resourceType: row.resourceType, id: row.id, version: row.version, fromKeyId: row.dataKeyId, toKeyId: fresh, body });
        }
        await store.switchPatientKey(patient.patientId, patient.dataKeyId, fresh, clock.now());
        await rotationJobs(trx).progressJob(job.id, 1, patient.patientId);
      });
      cursor = patient.patientId;
      patients += 1;
      deps.onProgress?.({ patients, cursor });
    }
  }
  await jobs.finishJob(job.id, clock.now());
  await audit.record({ ...operator, action: "crypto.reencrypt", outcome: "success", reasonCode: "crypto.reencrypt_complete", resource: { type: "Key", id: job.id } });
  return { patients, versions };
}
