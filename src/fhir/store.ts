import { sql } from "kysely";
import type { Executor } from "../db/index.js";
import type { Confidentiality } from "./validation/index.js";

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
    confidentiality: Confidentiality;
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
  confidentiality: Confidentiality;
}

export interface ResourceKey {
  type: string;
  id: string;
}

type Row = FhirTables["fhir_resource_version"];

/** Keeps only the newest version of each resource (aliased `v` in the query). */
const isCurrentVersion = sql<boolean>`v.version = (select max(w.version) from fhir_resource_version w where w.resource_type = v.resource_type and w.id = v.id)`;

function toVersionRow(row: Row): VersionRow {
  return {
    resourceType: row.resource_type,
    id: row.id,
    version: row.version,
    patientId: row.patient_id,
    dataKeyId: row.data_key_id,
    body: Buffer.from(row.body),
    isDeleted: row.is_deleted,
    lastUpdated: row.last_updated,
    authorId: row.author_id,
    confidentiality: row.confidentiality,
  };
}

/** SQL of the FHIR module: versions are only ever inserted, never updated or deleted. */
export function createFhirStore(executor: Executor) {
  const db = executor.withTables<FhirTables>();
  return {
    /** @throws the database's unique violation when another writer took this version number first. */
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
          confidentiality: row.confidentiality,
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
      return row && toVersionRow(row);
    },

    /** The current versions of many resources at once (deleted ones included), in no particular order. */
    async currentVersions(keys: readonly ResourceKey[]): Promise<VersionRow[]> {
      if (keys.length === 0) return [];
      const rows = await db
        .selectFrom("fhir_resource_version as v")
        .selectAll("v")
        .where((eb) => eb.or(keys.map((key) => eb.and([eb("v.resource_type", "=", key.type), eb("v.id", "=", key.id)]))))
        .where(isCurrentVersion)
        .execute();
      return rows.map(toVersionRow);
    },

    async version(resourceType: string, id: string, version: number): Promise<VersionRow | undefined> {
      const row = await db
        .selectFrom("fhir_resource_version")
        .selectAll()
        .where("resource_type", "=", resourceType)
        .where("id", "=", id)
        .where("version", "=", version)
        .executeTakeFirst();
      return row && toVersionRow(row);
    },

    /** Every version of one resource, newest first. */
    async versions(resourceType: string, id: string, limit: number): Promise<VersionRow[]> {
      const rows = await db
        .selectFrom("fhir_resource_version")
        .selectAll()
        .where("resource_type", "=", resourceType)
        .where("id", "=", id)
        .orderBy("version", "desc")
        .limit(limit)
        .execute();
      return rows.map(toVersionRow);
    },

    /** Versions of every resource of a type, newest first, after a (lastUpdated, id, version) position. */
    async typeVersions(
      resourceType: string,
      options: { since?: Date | undefined; before?: { lastUpdated: Date; id: string; version: number } | undefined; limit: number },
    ): Promise<VersionRow[]> {
      let query = db.selectFrom("fhir_resource_version").selectAll().where("resource_type", "=", resourceType);
      if (options.since) query = query.where("last_updated", ">=", options.since);
      const before = options.before;
      if (before) {
        query = query.where(
          sql<boolean>`(last_updated, id, version) < (${before.lastUpdated}, ${before.id}, ${before.version})`,
        );
      }
      const rows = await query.orderBy("last_updated", "desc").orderBy("id", "desc").orderBy("version", "desc").limit(options.limit).execute();
      return rows.map(toVersionRow);
    },

    /** The current version of every resource in one patient's compartment (the Patient included), deleted ones too. */
    async patientCompartment(patientId: string): Promise<VersionRow[]> {
      const rows = await db
        .selectFrom("fhir_resource_version as v")
        .selectAll("v")
        .where("v.patient_id", "=", patientId)
        .where(isCurrentVersion)
        .orderBy("v.resource_type")
        .orderBy("v.last_updated")
        .execute();
      return rows.map(toVersionRow);
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

export type FhirStore = ReturnType<typeof createFhirStore>;
