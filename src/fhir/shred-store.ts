import { sql, type Generated } from "kysely";
import type { Executor } from "../db/index.js";

type ShredTables = {
  fhir_resource_version: { patient_id: string | null; data_key_id: string; last_updated: Date; resource_type: string; id: string };
  fhir_patient_key: { patient_id: string; data_key_id: string };
  fhir_shred_approval: { patient_id: string; approver_id: string; reason: Uint8Array; approved_at: Date; sealed: Generated<boolean> };
};

/** SQL of crypto-shredding: a patient's last update, data keys and the dual approvals. */
export function createShredStore(executor: Executor) {
  const db = executor.withTables<ShredTables>();
  return {
    async lastUpdated(patientId: string): Promise<Date | undefined> {
      const row = await db
        .selectFrom("fhir_resource_version")
        .select((eb) => eb.fn.max("last_updated").as("at"))
        .where((eb) => eb.or([eb("patient_id", "=", patientId), eb.and([eb("resource_type", "=", "Patient"), eb("id", "=", patientId)])]))
        .executeTakeFirst();
      return row?.at ? new Date(row.at) : undefined;
    },
    async dataKeyIds(patientId: string): Promise<string[]> {
      const rows = await sql<{ id: string }>`
        select data_key_id as id from fhir_resource_version where patient_id = ${patientId} or (resource_type = 'Patient' and id = ${patientId})
        union select data_key_id from fhir_patient_key where patient_id = ${patientId}
        union select data_key_id from fhir_previous_patient_key where patient_id = ${patientId}`.execute(executor);
      return rows.rows.map((row) => row.id);
    },
    /** @param sealedReason the reason as `shredReasonContext` seals it. */
    async approve(patientId: string, approverId: string, sealedReason: Buffer, at: Date): Promise<void> {
      await db.insertInto("fhir_shred_approval").values({ patient_id: patientId, approver_id: approverId, reason: sealedReason, approved_at: at }).onConflict((oc) => oc.doNothing()).execute();
    },
    async approvers(patientId: string): Promise<string[]> {
      return (await db.selectFrom("fhir_shred_approval").select("approver_id").where("patient_id", "=", patientId).execute()).map((row) => row.approver_id);
    },
    /** Approvals whose reason is still the UTF-8 text written before reasons were encrypted (migration 0025). */
    async clearReasons(limit: number): Promise<Array<{ patientId: string; approverId: string; reason: Buffer }>> {
      const rows = await db.selectFrom("fhir_shred_approval").select(["patient_id", "approver_id", "reason"]).where("sealed", "=", false).limit(limit).execute();
      return rows.map((row) => ({ patientId: row.patient_id, approverId: row.approver_id, reason: Buffer.from(row.reason) }));
    },
    /** Replaces a clear reason with its sealed form; false when another node sealed it first. */
    async sealReason(patientId: string, approverId: string, sealedReason: Buffer): Promise<boolean> {
      const result = await db
        .updateTable("fhir_shred_approval")
        .set({ reason: sealedReason, sealed: true })
        .where("patient_id", "=", patientId)
        .where("approver_id", "=", approverId)
        .where("sealed", "=", false)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
