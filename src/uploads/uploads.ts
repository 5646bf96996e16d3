import { createHash } from "node:crypto";
import { authorizeRecord, type Access, type RecordPermission, type RecordTarget } from "../access/index.js";
import { actorOf, type Audit, type AuditEntry } from "../audit/index.js";
import type { Keyring } from "../crypto/index.js";
import type { Database, Executor } from "../db/index.js";
import { AppError, isAppError, newId, type Clock, type Principal } from "../kernel/index.js";
import { scanWithClamd } from "./clamav.js";
import { containsEicar } from "./eicar.js";
import { Refusal } from "./refusal.js";
import type { SanitiserPool } from "./worker-pool.js";
import { createUploadStore, type BlobRow } from "./store.js";

export interface UploadSettings {
  maxBytes: number;
  timeoutMs: number;
  clamavSocket: string | undefined;
}

export interface StoredUpload {
  id: string;
  patientId: string;
  contentType: string;
  size: number;
}

/** One file to add to a patient's record. */
export interface UploadInput {
  patientId: string;
  declaredType: string;
  bytes: Buffer;
  /** Where the request named the patient, for the error's expression; `Binary.securityContext` unless given. */
  patientNamedBy?: string | undefined;
}

export interface QuarantineItem {
  id: string;
  reasonCode: string;
  declaredType: string;
  detectedType: string | undefined;
  size: number;
  sha256: string;
  uploaderId: string;
  createdAt: Date;
}

/**
 * Uploaded files, principal first: each call authorizes and audits every outcome (`upload.accept`, `upload.refuse`,
 * `upload.read`, `upload.quarantine_read`) before answering. A file is a clinical record of its patient, so the
 * record authorizer decides it exactly as it decides the patient's other records (care relationship, consent,
 * break-glass; administrators and security officers never). Accepted files are stored sanitised and encrypted under
 * the patient's data key; refused files go to the encrypted quarantine, which only the security officer lists.
 */
export function createUploads(deps: {
  db: Database;
  keyring: Keyring;
  audit: Audit;
  access: Access;
  clock: Clock;
  pool: SanitiserPool;
  settings: UploadSettings;
  /** The data key protecting a patient's records, when that Patient exists and is not deleted (wired to the fhir module). */
  patientDataKey: (patientId: string, executor: Executor) => Promise<string | undefined>;
}) {
  const { db, keyring, audit, access, clock, pool, settings } = deps;
  const blobContext = (id: string) => `uploads:Binary/${id}`;
  const quarantineContext = (id: string) => `uploads:quarantine/${id}`;

  function entryFor(principal: Principal, action: string, id: string | undefined, patientId?: string): AuditEntry {
    return {
      action,
      outcome: "success",
      actor: actorOf(principal),
      resource: { type: id === undefined ? "Quarantine" : "Binary", id },
      patientId,
      network: principal.network,
    };
  }

  /** The policy view of a file: clinical content of its patient, unlabelled (files carry no meta.security). */
  function fileTarget(id: string, patientId: string | undefined): RecordTarget {
    return { type: "Binary", id, category: "clinical", patientId, confidentiality: "N" };
  }

  function missingPatient(input: UploadInput): AppError {
    return new AppError("fhir.invalid_reference", { expression: [input.patientNamedBy ?? "Binary.securityContext"] });
  }

  /**
   * Adding a file is creating a clinical record of its patient, and like a record it needs a Patient that exists
   * and is not deleted. Whether it exists is told only to whom that Patient is readable (reading it would tell them
   * anyway), decided without counting a break-glass use since nothing is written; anyone else is refused exactly as
   * for an existing patient who is not theirs.
   * @throws {AppError} `access.denied`, `fhir.invalid_reference`.
   */
  async function authorizeUpload(principal: Principal, id: string, input: UploadInput): Promise<RecordPermission> {
    const authorizer = access.recordAuthorizer(principal);
    const exists = (await deps.patientDataKey(input.patientId, db.kysely)) !== undefined;
    if (!exists) {
      const patient = { type: "Patient", id: input.patientId, category: "demographic", patientId: input.patientId, confidentiality: "N" } as const;
      if ((await authorizer.preview("read", patient)).allowed) throw missingPatient(input);
    }
    const permitted = await authorizeRecord(principal, authorizer, "create", fileTarget(id, input.patientId));
    if (!exists) throw missingPatient(input);
    return permitted;
  }

  /** Quarantined files are refusals for the security officer's review, not any patient's record. @throws {AppError} `access.denied`. */
  function authorizeQuarantine(principal: Principal): string {
    const decision = access.decide(principal, "read_quarantine", { type: "System" });
    if (!decision.allowed) throw new AppError("access.denied", { detail: decision.reasonCode });
    return decision.policyIds.join(",") || decision.reasonCode;
  }

  /** Audits a denial or failure that was not a file refusal, then rethrows it. */
  async function fail(entry: AuditEntry, error: unknown): Promise<never> {
    const reasonCode = isAppError(error) ? (error.code === "access.denied" ? (error.detail ?? error.code) : error.code) : "http.internal";
    await audit.record({ ...entry, outcome: isAppError(error, "access.denied") ? "denied" : "failure", reasonCode });
    throw error;
  }

  /** Malware scan of the original bytes: the built-in EICAR check, then clamd when configured (fail closed). */
  async function scan(bytes: Buffer): Promise<void> {
    if (containsEicar(bytes)) throw new Refusal("uploads.malware", "eicar test file");
    if (!settings.clamavSocket) return;
    let result;
    try {
      result = await scanWithClamd(settings.clamavSocket, bytes, settings.timeoutMs);
    } catch (cause) {
      throw new AppError("uploads.scanner_unavailable", { cause });
    }
    if (result.infected) throw new Refusal("uploads.malware", result.signature);
  }

  /** Keeps the refused file encrypted under the system key, audits the refusal with it, and throws its code. */
  async function quarantine(principal: Principal, input: UploadInput, refusal: Refusal, detected: string | undefined): Promise<never> {
    const id = newId();
    const body = await keyring.encrypt(keyring.systemDataKeyId(), input.bytes, quarantineContext(id));
    await db.kysely.transaction().execute(async (trx) => {
      await createUploadStore(trx).insertQuarantine({
        id,
        reasonCode: refusal.code,
        declaredType: input.declaredType.slice(0, 100),
        detectedType: detected?.slice(0, 100),
        size: input.bytes.length,
        sha256: createHash("sha256").update(input.bytes).digest(),
        body,
        uploaderId: principal.accountId,
        createdAt: clock.now(),
      });
      await audit.recordWithin(trx, {
        ...entryFor(principal, "upload.refuse", id, input.patientId),
        resource: { type: "Quarantine", id },
        outcome: "failure",
        reasonCode: refusal.code,
      });
    });
    throw new AppError(refusal.code, { detail: refusal.detail });
  }

  return {
    /**
     * Scans, sanitises and stores one uploaded file for a patient; a refused file is quarantined.
     * @throws {AppError} `access.denied`, `fhir.invalid_reference`, any `uploads.*` refusal code,
     * `uploads.scanner_unavailable`.
     */
    async upload(principal: Principal, input: UploadInput): Promise<StoredUpload> {
      const id = newId();
      const entry = entryFor(principal, "upload.refuse", id, input.patientId);
      let permitted: RecordPermission;
      try {
        permitted = await authorizeUpload(principal, id, input);
        if (input.bytes.length > settings.maxBytes) throw new AppError("uploads.too_large");
      } catch (error) {
        return fail(entry, error);
      }
      let outcome;
      try {
        await scan(input.bytes);
        outcome = await pool.run(input.bytes, input.declaredType);
      } catch (error) {
        if (error instanceof Refusal) return quarantine(principal, input, error, undefined);
        return fail(entry, error);
      }
      if (!outcome.ok) return quarantine(principal, input, new Refusal(outcome.code, outcome.detail), outcome.detected);
      const bytes = Buffer.from(outcome.bytes.buffer, outcome.bytes.byteOffset, outcome.bytes.byteLength);
      try {
        await db.kysely.transaction().execute(async (trx) => {
          // Checked again where the file is written: the Patient may have been deleted while the file was sanitised.
          const dataKeyId = await deps.patientDataKey(input.patientId, trx);
          if (!dataKeyId) throw missingPatient(input);
          await createUploadStore(trx).insertBlob({
            id,
            patientId: input.patientId,
            dataKeyId,
            contentType: outcome.contentType,
            size: bytes.length,
            sha256: createHash("sha256").update(bytes).digest(),
            body: await keyring.encrypt(dataKeyId, bytes, blobContext(id), trx),
            uploaderId: principal.accountId,
            createdAt: clock.now(),
          });
          await audit.recordWithin(trx, { ...entry, action: "upload.accept", reasonCode: permitted.reasonCode, breakGlass: permitted.breakGlass || undefined });
        });
      } catch (error) {
        return fail(entry, error);
      }
      return { id, patientId: input.patientId, contentType: outcome.contentType, size: bytes.length };
    },

    /**
     * The sanitised bytes of an accepted file; answered only after the access is audited. A file the principal may
     * not read answers exactly like an unknown id, `fhir.not_found` as for any FHIR read (audited as denied).
     * @throws {AppError} `fhir.not_found`.
     */
    async download(principal: Principal, id: string): Promise<StoredUpload & { bytes: Buffer }> {
      const entry = entryFor(principal, "upload.read", id);
      let row: BlobRow | undefined;
      let permitted: RecordPermission;
      let result: StoredUpload & { bytes: Buffer };
      try {
        // The stored row says whose file it is; nothing of it is decrypted or answered before the decision.
        const authorizer = access.recordAuthorizer(principal);
        row = await createUploadStore(db.kysely).blob(id);
        if (!row) {
          // The decision a refusal would have taken (the id as stand-in patient), so both answers cost about the same.
          await authorizer.preview("read", fileTarget(id, id));
          throw new AppError("fhir.not_found");
        }
        permitted = await authorizeRecord(principal, authorizer, "read", fileTarget(id, row.patientId));
        const bytes = await keyring.decrypt(row.body, blobContext(id));
        result = { id, patientId: row.patientId, contentType: row.contentType, size: row.size, bytes };
      } catch (error) {
        // A refusal belongs in the patient's access history too, as for records; then it looks like a missing file.
        return fail({ ...entry, patientId: row?.patientId }, error).catch((refused: unknown) => {
          throw isAppError(refused, "access.denied") ? new AppError("fhir.not_found") : refused;
        });
      }
      await audit.record({ ...entry, patientId: result.patientId, reasonCode: permitted.reasonCode, breakGlass: permitted.breakGlass || undefined });
      return result;
    },

    /**
     * Quarantined files, newest first: metadata for the security officer's review, never the bytes.
     * @throws {AppError} `access.denied`.
     */
    async listQuarantine(principal: Principal, limit = 100): Promise<QuarantineItem[]> {
      const entry = entryFor(principal, "upload.quarantine_read", undefined);
      let permittedBy: string;
      try {
        permittedBy = authorizeQuarantine(principal);
      } catch (error) {
        return fail(entry, error);
      }
      const rows = await createUploadStore(db.kysely).quarantine(Math.min(Math.max(limit, 1), 500));
      await audit.record({ ...entry, reasonCode: permittedBy });
      return rows.map((row) => ({ ...row, sha256: row.sha256.toString("hex") }));
    },

    /** Stops the sanitiser workers. */
    close: () => pool.close(),
  };
}

export type Uploads = ReturnType<typeof createUploads>;
