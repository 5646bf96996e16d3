import { sql } from "kysely";
import type { Executor } from "../db/index.js";

/** SQL of the re-encryption job: patients in id order, their versions, and the swap to the fresh key. */
export function createReencryptStore(executor: Executor) {
  return {
    async patientsAfter(cursor: string, limit: number): Promise<{ patientId: string; dataKeyId: string }[]> {
      const rows = await sql<{ patient_id: string; data_key_id: string }>`
        select patient_id, data_key_id from fhir_patient_key where patient_id > ${cursor} order by patient_id limit ${limit}`.execute(executor);
      return rows.rows.map((row) => ({ patientId: row.patient_id, dataKeyId: row.data_key_id }));
    },
    async versions(patientId: string) {
      const rows = await sql<{ resource_type: string; id: string; version: number; data_key_id: string; body: Uint8Array }>`
        select resource_type, id, version, data_key_id, body from fhir_resource_version
        where patient_id = ${patientId} or (resource_type = 'Patient' and id = ${patientId})`.execute(executor);
      return rows.rows.map((row) => ({ resourceType: row.resource_type, id: row.id, version: row.version, dataKeyId: row.data_key_id, body: Buffer.from(row.body) }));
    },
    /** Replaces one version's body only if it is still under the key it was read under. */
    async replaceBody(row: { resourceType: string; id: string; version: number; fromKeyId: string; toKeyId: string; body: Buffer }): Promise<number> {
      const result = await sql`
        update fhir_resource_version set body = ${row.body}, data_key_id = ${row.toKeyId}::uuid
        where resource_type = ${row.resourceType} and id = ${row.id} and version = ${row.version} and data_key_id = ${row.fromKeyId}::uuid`.execute(executor);
      return Number(result.numAffectedRows ?? 0);
    },
    async switchPatientKey(patientId: string, fromKeyId: string, toKeyId: string, at: Date): Promise<void> {
      await sql`insert into fhir_previous_patient_key (patient_id, data_key_id, replaced_at) values (${patientId}, ${fromKeyId}::uuid, ${at}) on conflict do nothing`.execute(executor);
      await sql`update fhir_patient_key set data_key_id = ${toKeyId}::uuid where patient_id = ${patientId}`.execute(executor);
    },
  };
}
