import type { Executor } from "../db/index.js";

type FhirTables = {
  fhir_resource_version: {
    resource_type: string;
    id: string;
    version: number;
    patient_id: string | null;
    data_key_id: string;
    body: Uint8Array;
    is_deleted: boolean;
    last_updated: Date;
    author_id: string;
  };
  fhir_patient_key: { patient_id: string; data_key_id: string };
};

export interface VersionRow {
  resourceType: string;
  id: string;
  version: number;
  patientId: string | null;
  dataKeyId: string;
  body: Buffer;
  isDeleted: boolean;
  lastUpdated: Date;
  authorId: string;
}

/** SQL of the FHIR module: versions are only ever inserted, never updated or deleted. */
export function createFhirStore(executor: Executor) {
  const db = executor.withTables<FhirTables>();
  return {
    async insertVersion(row: VersionRow): Promise<void> {
      await db
        .insertInto("fhir_resource_version")
        .values({
          resource_type: row.resourceType,
          id: row.id,
          version: row.version,
          patient_id: row.patientId,
          data_key_id: row.dataKeyId,
          body: row.body,
          is_deleted: row.isDeleted,
          last_updated: row.lastUpdated,
          author_id: row.authorId,
        })
        .execute();
    },
    async currentVersion(resourceType: string, id: string): Promise<VersionRow | undefined> {
      const row = await db
        .selectFrom("fhir_resource_version")
        .selectAll()
        .where("resource_type", "=", resourceType)
        .where("id", "=", id)
        .orderBy("version", "desc")
        .limit(1)
        .executeTakeFirst();
      return (
        row && {
          resourceType: row.resource_type,
          id: row.id,
          version: row.version,
          patientId: row.patient_id,
          dataKeyId: row.data_key_id,
          body: Buffer.from(row.body),
          isDeleted: row.is_deleted,
          lastUpdated: row.last_updated,
          authorId: row.author_id,
        }
      );
    },
    async patientKey(patientId: string): Promise<string | undefined> {
      const row = await db.selectFrom("fhir_patient_key").select("data_key_id").where("patient_id", "=", patientId).executeTakeFirst();
      return row?.data_key_id;
    },
    async insertPatientKey(patientId: string, dataKeyId: string): Promise<void> {
      await db.insertInto("fhir_patient_key").values({ patient_id: patientId, data_key_id: dataKeyId }).execute();
    },
  };
}
