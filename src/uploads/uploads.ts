import { createHash } from "node:crypto";
import { scopesPermit, type Access } from "../access/index.js";
import { actorOf, type Audit, type AuditEntry } from "../audit/index.js";
import type { Keyring } from "../crypto/index.js";
import type { Database, Executor } from "../db/index.js";
import { AppError, isAppError, newId, type Clock, type Principal } from "../kernel/index.js";
import { scanWithClamd } from "./clamav.js";
import { containsEicar } from "./eicar.js";
import { Refusal } from "./refusal.js";
import type { SanitiserPool } from "./worker-pool.js";
import { createUploadStore } from "./store.js";

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
 * Uploaded files, principal first: each call authorizes (Cedar, resource `Binary`), and audits every outcome
 * (`upload.accept`, `upload.refuse`, `upload.read`, `upload.quarantine_read`) before answering. Accepted files
 * are stored sanitised and encrypted under the patient's data key; refused files go to the encrypted quarantine.
 */
export function createUploads(deps: {
  db: Database;
  keyring: Keyring;
  audit: Audit;
  access: Access;
  clock: Clock;
  pool: SanitiserPool;
  settings: UploadSettings;
  /** The data key protecting a patient's records, when that patient exists (wired to the fhir module). */
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

  /** Returns the permitting policy for the audit entry. @throws {AppError} `access.denied`. */
  function authorize(principal: Principal, action: "read" | "create" | "read_quarantine", id: string, patientId?: string): string {
    // A bearer token's SMART scopes narrow what its account may do, as for records: both must allow.
    if (principal.scopes && action !== "read_quarantine" && !scopesPermit(principal.scopes, { interaction: action, resourceType: "Binary", patientId, launchPatient: principal.patientId })) {
      throw new AppError("access.denied", { detail: "oauth.insufficient_scope" });
    }
    const decision = access.decide(principal, action, action === "read_quarantine" ? { type: "System" } : { type: "Binary", id, patientId });
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
  async function quarantine(principal: Principal, input: { patientId: string; declaredType: string; bytes: Buffer }, refusal: Refusal, detected: string | undefined): Promise<never> {
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
     * @throws {AppError} `access.denied`, any `uploads.*` refusal code, `uploads.scanner_unavailable`.
     */
    async upload(principal: Principal, input: { patientId: string; declaredType: string; bytes: Buffer }): Promise<StoredUpload> {
      const id = newId();
      const entry = entryFor(principal, "upload.refuse", id, input.patientId);
      let permittedBy: string;
      try {
        permittedBy = authorize(principal, "create", id, input.patientId);
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
          const dataKeyId = (await deps.patientDataKey(input.patientId, trx)) ?? (await keyring.createDataKey("patient", trx));
          await createUploadStore(trx).insertBlob({
            id,
            patientId: input.patientId,
            dataKeyId,
            contentType: outcome.contentType,
            size: bytes.length,
            sha256: createHash("sha256").update(bytes).digest(),
            body: await keyring.encrypt(dataKeyId, bytes, blobContext(id)),
            uploaderId: principal.accountId,
            createdAt: clock.now(),
          });
          await audit.recordWithin(trx, { ...entry, action: "upload.accept", reasonCode: permittedBy });
        });
      } catch (error) {
        return fail(entry, error);
      }
      return { id, patientId: input.patientId, contentType: outcome.contentType, size: bytes.length };
    },

    /**
     * The sanitised bytes of an accepted file; answered only after the access is audited.
     * @throws {AppError} `access.denied`, `uploads.not_found`.
     */
    async download(principal: Principal, id: string): Promise<StoredUpload & { bytes: Buffer }> {
      const entry = entryFor(principal, "upload.read", id);
      let permittedBy: string;
      let result: StoredUpload & { bytes: Buffer };
      try {
        // The stored row says whose file it is; nothing of it is decrypted or answered before the decision.
        const row = await createUploadStore(db.kysely).blob(id);
        permittedBy = authorize(principal, "read", id, row?.patientId);
        if (!row) throw new AppError("uploads.not_found");
        const bytes = await keyring.decrypt(row.body, blobContext(id));
        result = { id, patientId: row.patientId, contentType: row.contentType, size: row.size, bytes };
      } catch (error) {
        return fail(entry, error);
      }
      await audit.record({ ...entry, patientId: result.patientId, reasonCode: permittedBy });
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
        permittedBy = authorize(principal, "read_quarantine", "");
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
