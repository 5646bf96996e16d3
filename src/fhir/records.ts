import { scopesPermit, type Access } from "../access/index.js";
import { actorOf, type Audit, type AuditEntry } from "../audit/index.js";
import type { Keyring } from "../crypto/index.js";
import type { Database } from "../db/index.js";
import { AppError, isAppError, newId, type Clock, type Principal } from "../kernel/index.js";
import { isSupportedType, type FhirResource, type SupportedType } from "./resources/index.js";
import { createFhirStore } from "./store.js";
import { validateResource } from "./validate.js";

export interface StoredResource {
  resource: FhirResource;
  versionId: string;
  lastUpdated: Date;
}

/**
 * The only way to read or write medical records. Each call authorizes the principal (Cedar), encrypts or
 * decrypts under the patient's data key, and writes the audit entry before returning: there is no path to a
 * record without all three (design.md, "make the wrong thing hard").
 */
export function createRecords(deps: { db: Database; keyring: Keyring; audit: Audit; access: Access; clock: Clock }) {
  const { db, keyring, audit, access, clock } = deps;

  const bodyContext = (type: string, id: string, version: number) => `fhir:${type}/${id}/_history/${version}`;

  function entryFor(principal: Principal, action: string, type: string, id?: string): AuditEntry {
    return {
      action,
      outcome: "success",
      actor: actorOf(principal),
      resource: { type, id },
      patientId: type === "Patient" ? id : undefined,
      network: principal.network,
    };
  }

  /** Audits a refusal or failure, then rethrows it. */
  async function refuse(entry: AuditEntry, error: unknown): Promise<never> {
    const reasonCode = isAppError(error) ? (error.code === "access.denied" ? (error.detail ?? error.code) : error.code) : "http.internal";
    await audit.record({ ...entry, outcome: isAppError(error, "access.denied") ? "denied" : "failure", reasonCode });
    throw error;
  }

  /** Returns the permitting policy's reason code for the audit entry. @throws {AppError} `access.denied`. */
  function authorize(principal: Principal, action: "read" | "create", type: SupportedType, id: string): string {
    // A bearer token's scopes narrow the account's own permissions; both must allow (SMART App Launch 2).
    if (principal.scopes && !scopesPermit(principal.scopes, { interaction: action, resourceType: type, patientId: type === "Patient" ? id : undefined, launchPatient: principal.patientId })) {
      throw new AppError("access.denied", { detail: "oauth.insufficient_scope" });
    }
    const decision = access.decide(principal, action, { type, id });
    if (!decision.allowed) throw new AppError("access.denied", { detail: decision.reasonCode });
    return decision.policyIds.join(",") || decision.reasonCode;
  }

  function checkType(type: string): SupportedType {
    if (!isSupportedType(type)) throw new AppError("fhir.unsupported_type");
    return type;
  }

  return {
    /** True when a current, undeleted Patient with this id exists; reads no content (used to link portal accounts). */
    async patientExists(id: string): Promise<boolean> {
      const row = await createFhirStore(db.kysely).currentVersion("Patient", id);
      return row !== undefined && !row.isDeleted;
    },

    /**
     * Creates a resource as version 1 with a server-assigned id. The version and its audit entry commit together.
     * @throws {AppError} `access.denied`, `fhir.invalid_resource`, `fhir.resource_type_mismatch`, `fhir.unsupported_type`.
     */
    async create(principal: Principal, type: string, body: unknown): Promise<StoredResource> {
      const id = newId();
      const entry = entryFor(principal, "fhir.create", type, id);
      try {
        const supported = checkType(type);
        const permittedBy = authorize(principal, "create", supported, id);
        const input = validateResource(supported, body);
        const lastUpdated = clock.now();
        // The server assigns id and meta (FHIR R4 http.html#create: a client-supplied id is ignored).
        const resource: FhirResource = { ...input, id, meta: { ...input.meta, versionId: "1", lastUpdated: lastUpdated.toISOString() } };
        await db.kysely.transaction().execute(async (trx) => {
          const store = createFhirStore(trx);
          const dataKeyId = await keyring.createDataKey("patient", trx);
          await store.insertPatientKey(id, dataKeyId);
          const sealed = await keyring.encrypt(dataKeyId, Buffer.from(JSON.stringify(resource)), bodyContext(supported, id, 1));
          await store.insertVersion({ resourceType: supported, id, version: 1, patientId: id, dataKeyId, body: sealed, isDeleted: false, lastUpdated, authorId: principal.accountId });
          await audit.recordWithin(trx, { ...entry, reasonCode: permittedBy, resource: { type: supported, id, version: "1" } });
        });
        return { resource, versionId: "1", lastUpdated };
      } catch (error) {
        return refuse(entry, error);
      }
    },

    /**
     * Reads the current version of a resource; answered only after the access is durably audited.
     * @throws {AppError} `access.denied`, `fhir.not_found`, `fhir.unsupported_type`.
     */
    async read(principal: Principal, type: string, id: string): Promise<StoredResource> {
      const entry = entryFor(principal, "fhir.read", type, id);
      let stored: StoredResource;
      let permittedBy: string;
      try {
        const supported = checkType(type);
        permittedBy = authorize(principal, "read", supported, id);
        const row = await createFhirStore(db.kysely).currentVersion(supported, id);
        if (!row || row.isDeleted) throw new AppError("fhir.not_found");
        const resource = JSON.parse((await keyring.decrypt(row.body, bodyContext(supported, id, row.version))).toString("utf8")) as FhirResource;
        stored = { resource, versionId: String(row.version), lastUpdated: row.lastUpdated };
      } catch (error) {
        return refuse(entry, error);
      }
      await audit.record({ ...entry, reasonCode: permittedBy, resource: { type, id, version: stored.versionId } });
      return stored;
    },
  };
}

export type Records = ReturnType<typeof createRecords>;
