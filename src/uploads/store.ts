import type { Executor } from "../db/index.js";

type UploadTables = {
  uploads_blob: {
    id: string;
    patient_id: string;
    data_key_id: string;
    content_type: string;
    size: number;
    sha256: Uint8Array;
    body: Uint8Array;
    uploader_id: string;
    created_at: Date;
  };
  uploads_quarantine: {
    id: string;
    reason_code: string;
    declared_type: string;
    detected_type: string | null;
    size: number;
    sha256: Uint8Array;
    body: Uint8Array;
    uploader_id: string;
    created_at: Date;
  };
};

export interface BlobRow {
  id: string;
  patientId: string;
  dataKeyId: string;
  contentType: string;
  size: number;
  sha256: Buffer;
  body: Buffer;
  uploaderId: string;
  createdAt: Date;
}

export interface QuarantineRow {
  id: string;
  reasonCode: string;
  declaredType: string;
  detectedType: string | undefined;
  size: number;
  sha256: Buffer;
  body: Buffer;
  uploaderId: string;
  createdAt: Date;
}

/** SQL of the uploads module: accepted blobs and the quarantine, both insert-only. */
export function createUploadStore(executor: Executor) {
  const db = executor.withTables<UploadTables>();
  return {
    async insertBlob(row: BlobRow): Promise<void> {
      await db
        .insertInto("uploads_blob")
        .values({
          id: row.id,
          patient_id: row.patientId,
          data_key_id: row.dataKeyId,
          content_type: row.contentType,
          size: row.size,
          sha256: row.sha256,
          body: row.body,
          uploader_id: row.uploaderId,
          created_at: row.createdAt,
        })
        .execute();
    },
    async blob(id: string): Promise<BlobRow | undefined> {
      const row = await db.selectFrom("uploads_blob").selectAll().where("id", "=", id).executeTakeFirst();
      return (
        row && {
          id: row.id,
          patientId: row.patient_id,
          dataKeyId: row.data_key_id,
          contentType: row.content_type,
          size: row.size,
          sha256: Buffer.from(row.sha256),
          body: Buffer.from(row.body),
          uploaderId: row.uploader_id,
          createdAt: row.created_at,
        }
      );
    },
    async insertQuarantine(row: QuarantineRow): Promise<void> {
      await db
        .insertInto("uploads_quarantine")
        .values({
          id: row.id,
          reason_code: row.reasonCode,
          declared_type: row.declaredType,
          detected_type: row.detectedType ?? null,
          size: row.size,
          sha256: row.sha256,
          body: row.body,
          uploader_id: row.uploaderId,
          created_at: row.createdAt,
        })
        .execute();
    },
    /** Quarantined items, newest first, without their bytes. */
    async quarantine(limit: number): Promise<Omit<QuarantineRow, "body">[]> {
      const rows = await db
        .selectFrom("uploads_quarantine")
        .select(["id", "reason_code", "declared_type", "detected_type", "size", "sha256", "uploader_id", "created_at"])
        .orderBy("created_at", "desc")
        .orderBy("id")
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        id: row.id,
        reasonCode: row.reason_code,
        declaredType: row.declared_type,
        detectedType: row.detected_type ?? undefined,
        size: row.size,
        sha256: Buffer.from(row.sha256),
        uploaderId: row.uploader_id,
        createdAt: row.created_at,
      }));
    },
  };
}
