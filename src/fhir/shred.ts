import { actorOf, type Audit, type AuditEntry } from "../audit/index.js";
import type { Keyring } from "../crypto/index.js";
import type { Database } from "../db/index.js";
import { AppError, type Clock, type Principal } from "../kernel/index.js";
import type { SearchIndex } from "./search/index.js";
import { createShredStore } from "./shred-store.js";

/**
 * Binds a sealed reason to its approval, so a value copied to another row does not decrypt. Under the system data key,
 * not the patient's: the approval must stay readable to whoever investigates an early erasure after the patient's
 * keys are gone.
 */
export const shredReasonContext = (patientId: string, approverId: string) => `fhir:shred-approval:${patientId}:${approverId}:reason`;

// Approvals sealed per query when start-up seals reasons written before they were encrypted.
const sealBatch = 100;

/**
 * Crypto-shredding of one patient: every data key of the patient's records loses its wrapped copy, so their content
 * can no longer be decrypted from the database or from any backup taken afterwards (docs/operations-backup.md says
 * what older backups still hold). Blocked while the legal retention period runs (診療録: 5 years after the last
 * update, 医師法 §24) unless two different administrators approved.
 */
export function createShredding(deps: {
  db: Database;
  keyring: Keyring;
  audit: Audit;
  clock: Clock;
  retentionYears: number;
  /** Its blind-index hashes would outlive the shredded records, so they go in the same transaction. */
  searchIndex: Pick<SearchIndex, "removePatient">;
  /** Asks the access policy (Cedar `shred_patient` / `approve_shred` on the Patient, PHR-2) whether the principal may act. */
  mayShred: (principal: Principal, action: "shred_patient" | "approve_shred", patientId: string) => { allowed: boolean; reasonCode: string };
}) {
  const { db, keyring, audit, clock } = deps;

  function entry(principal: Principal, action: string, patientId: string): AuditEntry {
    return { action, outcome: "success", actor: actorOf(principal), resource: { type: "Patient", id: patientId }, patientId, network: principal.network };
  }

  /** @throws {AppError} `access.denied` unless the access policy lets the principal shred (or approve) for this patient. */
  async function requireAdmin(principal: Principal, action: string, patientId: string): Promise<void> {
    const decision = deps.mayShred(principal, action === "fhir.shred" ? "shred_patient" : "approve_shred", patientId);
    if (decision.allowed) return;
    await audit.record({ ...entry(principal, action, patientId), outcome: "denied", reasonCode: decision.reasonCode });
    throw new AppError("access.denied", { detail: decision.reasonCode });
  }

  return {
    /** Records one administrator's approval to shred before the retention period ends. @throws {AppError} `access.denied`. */
    async approve(principal: Principal, patientId: string, reason: string): Promise<void> {
      await requireAdmin(principal, "fhir.shred_approve", patientId);
      await db.kysely.transaction().execute(async (trx) => {
        const sealed = await keyring.encrypt(keyring.systemDataKeyId(), Buffer.from(reason, "utf8"), shredReasonContext(patientId, principal.accountId), trx);
        await createShredStore(trx).approve(patientId, principal.accountId, sealed, clock.now());
        await audit.recordWithin(trx, { ...entry(principal, "fhir.shred_approve", patientId), reasonCode: "fhir.shred_approval" });
      });
    },

    /** Seals the reasons written in clear before they were encrypted (migration 0025); returns how many. */
    async sealClearReasons(): Promise<number> {
      const store = createShredStore(db.kysely);
      let count = 0;
      for (;;) {
        const rows = await store.clearReasons(sealBatch);
        for (const row of rows) {
          const sealed = await keyring.encrypt(keyring.systemDataKeyId(), row.reason, shredReasonContext(row.patientId, row.approverId));
          if (await store.sealReason(row.patientId, row.approverId, sealed)) count += 1;
        }
        if (rows.length < sealBatch) return count;
      }
    },

    /**
     * Shreds the patient's data keys. Returns the reason it was allowed (`fhir.retention_expired` or `fhir.dual_approval`).
     * @throws {AppError} `access.denied`, `fhir.not_found`, `fhir.shred_blocked`.
     */
    async shredPatient(principal: Principal, patientId: string): Promise<{ reasonCode: string; dataKeys: number }> {
      await requireAdmin(principal, "fhir.shred", patientId);
      const store = createShredStore(db.kysely);
      const lastUpdated = await store.lastUpdated(patientId);
      if (!lastUpdated) throw new AppError("fhir.not_found");
      const retentionEnds = new Date(lastUpdated);
      retentionEnds.setUTCFullYear(retentionEnds.getUTCFullYear() + deps.retentionYears);
      let reasonCode = "fhir.retention_expired";
      if (clock.now() < retentionEnds) {
        const approvers = new Set(await store.approvers(patientId));
        if (approvers.size < 2) {
          await audit.record({ ...entry(principal, "fhir.shred", patientId), outcome: "denied", reasonCode: "fhir.shred_blocked" });
          throw new AppError("fhir.shred_blocked", { detail: `retention until ${retentionEnds.toISOString()}; ${approvers.size} of 2 approvals` });
        }
        reasonCode = "fhir.dual_approval";
      }
      const dataKeys = await store.dataKeyIds(patientId);
      await db.kysely.transaction().execute(async (trx) => {
        for (const id of dataKeys) await keyring.shredDataKey(id, trx);
        await deps.searchIndex.removePatient(trx, patientId);
        await audit.recordWithin(trx, { ...entry(principal, "fhir.shred", patientId), reasonCode });
      });
      return { reasonCode, dataKeys: dataKeys.length };
    },
  };
}

export type Shredding = ReturnType<typeof createShredding>;
