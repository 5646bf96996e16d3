import { authorizeRecord, type Access, type RecordAuthorizer } from "../access/index.js";
import type { Audit, AuditEntry } from "../audit/index.js";
import type { Keyring } from "../crypto/index.js";
import type { Database } from "../db/index.js";
import { AppError, isAppError, newId, type Clock, type Principal } from "../kernel/index.js";
import { auditEntryFor, createRecordWriter, hiddenRecordReason, targetOf, type StoredResource, type WriteOperation } from "./record-writer.js";
import { isSupportedType, type FhirResource, type SupportedType } from "./resources/index.js";
import type { SearchIndex } from "./search/index.js";
import { createFhirStore, type VersionRow } from "./store.js";
import { runTransaction, type TransactionBundle } from "./transaction.js";
import { referencedPatientId, refuseImplausible, validateResource } from "./validation/index.js";
import { createVisibleRecords, storedOf } from "./visible-records.js";

export type { StoredResource } from "./record-writer.js";

/** A version as history shows it: the resource, or only its identity when that version is a deletion. */
export interface HistoryEntry {
  type: string;
  id: string;
  versionId: string;
  lastUpdated: Date;
  deleted: boolean;
  resource?: FhirResource | undefined;
}

/** Where type history continues: the (lastUpdated, id, version) of the last entry given. */
export interface HistoryCursor {
  lastUpdated: Date;
  id: string;
  version: number;
}

export interface SearchResult {
  matches: StoredResource[];
  included: StoredResource[];
  /** Opaque position after the last match, when more may follow. */
  next: string | undefined;
}

/** History (instance and type) shows at most this many versions per page. */
const maxHistoryPage = 100;

/**
 * The only way to read or write medical records. Each call authorizes the principal (SMART scopes and Cedar),
 * encrypts or decrypts under the patient's data key, and writes the audit entry before returning: there is no path
 * to a record without all three (design.md, "make the wrong thing hard").
 */
/** FHIR R4 conformance, then the facts no person's record can hold (a birth date after today). */
function validateRecord(type: SupportedType, body: unknown, now: Date): FhirResource {
  const resource = validateResource(type, body);
  refuseImplausible(resource, now);
  return resource;
}

export function createRecords(deps: { db: Database; keyring: Keyring; audit: Audit; access: Access; clock: Clock; search: SearchIndex; baseUrl: string }) {
  const { db, keyring, audit, access, clock, search } = deps;
  const writer = createRecordWriter({ keyring, access, search });
  const visibleRecords = createVisibleRecords({ keyring, audit, search });
  const { open, visible, currentRows, searchVisible, visibleMatch, auditShown } = visibleRecords;

  /** Audits a refusal or failure, then rethrows it. */
  async function refuse(entry: AuditEntry, error: unknown): Promise<never> {
    const reasonCode = isAppError(error) ? (error.code === "access.denied" ? (error.detail ?? error.code) : error.code) : "http.internal";
    await audit.record({ ...entry, outcome: isAppError(error, "access.denied") ? "denied" : "failure", reasonCode });
    throw error;
  }

  /**
   * A read refused by the policies answers exactly like a read of a record that does not exist, so the answer never
   * tells whether a record the caller may not see exists (docs/architecture.md, "Refused reads look like missing
   * records"). The audit entry still says denied, with the deciding reason.
   */
  async function refuseAsMissing(entry: AuditEntry, error: unknown): Promise<never> {
    return refuse(entry, error).catch((refused: unknown) => {
      throw isAppError(refused, "access.denied") ? new AppError("fhir.not_found") : refused;
    });
  }

  /**
   * For a record that does not exist, the decision a refusal would have taken, on a stand-in target (the id as
   * patient, so the same access facts are looked up): both answers then cost about the same. Nothing is acted on.
   */
  async function decideLikeARefusal(authorizer: RecordAuthorizer, type: SupportedType, id: string): Promise<void> {
    await authorizer.preview("read", targetOf(type, id, id, "N"));
  }

  function checkType(type: string): SupportedType {
    if (!isSupportedType(type)) throw new AppError("fhir.unsupported_type");
    return type;
  }

  async function write(principal: Principal, operation: WriteOperation, entry: AuditEntry) {
    try {
      return await audit.transaction((trx, batch) => writer.apply(trx, batch, principal, access.recordAuthorizer(principal, trx), operation, clock.now()));
    } catch (error) {
      // The refusal belongs in the patient's access history too, so name the patient when it is known.
      const current = operation.kind === "create" ? undefined : await createFhirStore(db.kysely).currentVersion(operation.type, operation.id);
      const patientId = operation.kind === "create" ? (operation.type === "Patient" ? operation.id : referencedPatientId(operation.type, operation.resource)) : current?.patientId;
      const refused = refuse({ ...entry, patientId: patientId ?? entry.patientId }, error);
      // Audited as denied; answered exactly as a write to an id that does not exist.
      if (isAppError(error, "access.denied") && error.detail === hiddenRecordReason) {
        return refused.catch(() => {
          throw new AppError(operation.kind === "update" ? "fhir.update_create_unsupported" : "fhir.not_found");
        });
      }
      return refused;
    }
  }

  const api = {
    /** True when a current, undeleted Patient with this id exists; reads no content (used to link portal accounts). */
    async patientExists(id: string): Promise<boolean> {
      const row = await createFhirStore(db.kysely).currentVersion("Patient", id);
      return row !== undefined && !row.isDeleted;
    },

    /**
     * Creates a resource as version 1 with a server-assigned id. With `ifNoneExist` (a search query string), returns
     * the one visible match instead of creating (FHIR conditional create).
     * @throws {AppError} `access.denied`, `fhir.invalid_resource`, `fhir.resource_type_mismatch`, `fhir.unsupported_type`,
     * `fhir.missing_patient`, `fhir.invalid_reference`, `fhir.multiple_matches`, `fhir.invalid_search`.
     */
    async create(principal: Principal, type: string, body: unknown, options: { ifNoneExist?: string | undefined } = {}): Promise<StoredResource & { created: boolean }> {
      const id = newId();
      const entry = auditEntryFor(principal, "fhir.create", type, id);
      let supported: SupportedType;
      let input: FhirResource;
      try {
        supported = checkType(type);
        input = validateRecord(supported, body, clock.now());
      } catch (error) {
        return refuse(entry, error);
      }
      if (options.ifNoneExist !== undefined) {
        const existing = await api.findOne(principal, supported, options.ifNoneExist);
        if (existing) return { ...existing, created: false };
      }
      const result = await write(principal, { kind: "create", type: supported, id, resource: input }, entry);
      return { ...result.stored!, created: true };
    },

    /**
     * The single visible resource matching a search query string, if any (conditional create and update).
     * @throws {AppError} `fhir.multiple_matches`, `fhir.invalid_search`.
     */
    async findOne(principal: Principal, type: SupportedType, query: string): Promise<StoredResource | undefined> {
      const match = await visibleMatch(principal, access.recordAuthorizer(principal), db.kysely, type, query);
      if (!match) return undefined;
      await auditShown(principal, "fhir.search", type, [match]);
      return storedOf(match.row, match.resource);
    },

    /**
     * Reads the current version of a resource; answered only after the access is durably audited. A record the
     * principal may not read is `fhir.not_found`, as a missing one (audited as denied).
     * @throws {AppError} `fhir.not_found`, `fhir.gone`, `fhir.unsupported_type`.
     */
    async read(principal: Principal, type: string, id: string): Promise<StoredResource> {
      return api.vread(principal, type, id, undefined);
    },

    /**
     * Reads one version (or the current one when `version` is undefined); refused as missing, like `read`.
     * @throws {AppError} `fhir.not_found`, `fhir.gone`, `fhir.unsupported_type`.
     */
    async vread(principal: Principal, type: string, id: string, version: number | undefined): Promise<StoredResource> {
      const entry = auditEntryFor(principal, version === undefined ? "fhir.read" : "fhir.vread", type, id);
      let result: StoredResource;
      let permitted: { reasonCode: string; breakGlass: boolean };
      let row: VersionRow | undefined;
      try {
        const supported = checkType(type);
        const store = createFhirStore(db.kysely);
        const authorizer = access.recordAuthorizer(principal);
        row = version === undefined ? await store.currentVersion(supported, id) : await store.version(supported, id, version);
        if (!row) {
          await decideLikeARefusal(authorizer, supported, id);
          throw new AppError("fhir.not_found");
        }
        permitted = await authorizeRecord(principal, authorizer, "read", targetOf(supported, id, row.patientId, row.confidentiality));
        if (row.isDeleted) throw new AppError("fhir.gone");
        result = storedOf(row, await open(row));
      } catch (error) {
        return refuseAsMissing({ ...entry, patientId: row?.patientId ?? entry.patientId }, error);
      }
      await audit.record({ ...entry, patientId: row.patientId ?? undefined, reasonCode: permitted.reasonCode, breakGlass: permitted.breakGlass || undefined, resource: { type, id, version: result.versionId } });
      return result;
    },

    /**
     * Writes a new version. `ifMatch` is the version the client last saw; another writer's newer version refuses it.
     * @throws {AppError} `access.denied`, `fhir.version_conflict`, `fhir.conflict`, `fhir.update_create_unsupported`,
     * `fhir.id_mismatch`, `fhir.invalid_resource`, `fhir.patient_change`, `fhir.unsupported_type`.
     */
    async update(principal: Principal, type: string, id: string, body: unknown, options: { ifMatch?: number | undefined } = {}): Promise<StoredResource> {
      const entry = auditEntryFor(principal, "fhir.update", type, id);
      let supported: SupportedType;
      let input: FhirResource;
      try {
        supported = checkType(type);
        input = validateRecord(supported, body, clock.now());
        // FHIR R4 http.html#update: the body must carry the id of the URL.
        if (input.id !== id) throw new AppError("fhir.id_mismatch", { expression: [`${type}.id`] });
      } catch (error) {
        return refuse(entry, error);
      }
      const result = await write(principal, { kind: "update", type: supported, id, resource: input, ifMatch: options.ifMatch }, entry);
      return result.stored!;
    },

    /**
     * Deletes logically: a deletion version is added, reads answer 410 and every earlier version stays in history.
     * @throws {AppError} `access.denied`, `fhir.not_found`, `fhir.unsupported_type`.
     */
    async delete(principal: Principal, type: string, id: string): Promise<void> {
      const entry = auditEntryFor(principal, "fhir.delete", type, id);
      let supported: SupportedType;
      try {
        supported = checkType(type);
      } catch (error) {
        return refuse(entry, error);
      }
      await write(principal, { kind: "delete", type: supported, id }, entry);
    },

    /**
     * Every version of one resource, newest first, that the principal may read; refused as missing, like `read`.
     * @throws {AppError} `fhir.not_found`, `fhir.unsupported_type`.
     */
    async history(principal: Principal, type: string, id: string): Promise<HistoryEntry[]> {
      const entry = auditEntryFor(principal, "fhir.history", type, id);
      let rows: VersionRow[];
      let permitted: { reasonCode: string; breakGlass: boolean };
      let refusedPatientId: string | undefined;
      try {
        const supported = checkType(type);
        const authorizer = access.recordAuthorizer(principal);
        rows = await createFhirStore(db.kysely).versions(supported, id, maxHistoryPage);
        const current = rows[0];
        if (!current) {
          await decideLikeARefusal(authorizer, supported, id);
          throw new AppError("fhir.not_found");
        }
        // A refusal belongs in the patient's access history too, as for a read.
        refusedPatientId = current.patientId ?? undefined;
        permitted = await authorizeRecord(principal, authorizer, "read", targetOf(supported, id, current.patientId, current.confidentiality));
        const entries: HistoryEntry[] = [];
        for (const row of rows) {
          // A version labelled more restrictively than the principal may see is left out, not refused.
          const allowed = await authorizer.decide("read", targetOf(supported, id, row.patientId, row.confidentiality));
          if (!allowed.allowed) continue;
          entries.push({ type, id, versionId: String(row.version), lastUpdated: row.lastUpdated, deleted: row.isDeleted, resource: row.isDeleted ? undefined : await open(row) });
        }
        await audit.record({ ...entry, patientId: current.patientId ?? undefined, reasonCode: permitted.reasonCode, breakGlass: permitted.breakGlass || undefined });
        return entries;
      } catch (error) {
        return refuseAsMissing({ ...entry, patientId: refusedPatientId ?? entry.patientId }, error);
      }
    },

    /**
     * Versions of every resource of a type, newest first, that the principal may read; `before` continues a page.
     * @throws {AppError} `fhir.unsupported_type`.
     */
    async typeHistory(principal: Principal, type: string, options: { since?: Date | undefined; count: number; before?: HistoryCursor | undefined }): Promise<{ entries: HistoryEntry[]; next: HistoryCursor | undefined }> {
      const entry = auditEntryFor(principal, "fhir.history", type);
      try {
        const supported = checkType(type);
        const authorizer = access.recordAuthorizer(principal);
        const count = Math.min(Math.max(options.count, 1), maxHistoryPage);
        const rows = await createFhirStore(db.kysely).typeVersions(supported, { since: options.since, before: options.before, limit: count });
        const shown: Array<{ row: VersionRow; breakGlass: boolean; entry: HistoryEntry }> = [];
        for (const row of rows) {
          const decision = await authorizeRecord(principal, authorizer, "read", targetOf(supported, row.id, row.patientId, row.confidentiality)).catch((error: unknown) => {
            if (isAppError(error, "access.denied")) return undefined;
            throw error;
          });
          if (!decision) continue;
          shown.push({
            row,
            breakGlass: decision.breakGlass,
            entry: { type, id: row.id, versionId: String(row.version), lastUpdated: row.lastUpdated, deleted: row.isDeleted, resource: row.isDeleted ? undefined : await open(row) },
          });
        }
        await auditShown(principal, "fhir.history", type, shown);
        const last = rows.at(-1);
        return { entries: shown.map((item) => item.entry), next: rows.length === count && last ? { lastUpdated: last.lastUpdated, id: last.id, version: last.version } : undefined };
      } catch (error) {
        return refuse(entry, error);
      }
    },

    /**
     * Searches current resources of a type. Only what the principal may see is returned, `_include`/`_revinclude`
     * targets too; each patient shown gets an audit entry before the answer.
     * @throws {AppError} `fhir.invalid_search`, `fhir.unsupported_type`.
     */
    async search(principal: Principal, type: string, params: ReadonlyArray<readonly [string, string]>, after?: string): Promise<SearchResult> {
      const entry = auditEntryFor(principal, "fhir.search", type);
      try {
        const supported = checkType(type);
        const parsed = search.parse(supported, params);
        const authorizer = access.recordAuthorizer(principal);
        const { shown, next } = await searchVisible(principal, authorizer, db.kysely, parsed, after);
        const matchKeys = shown.map(({ row }) => ({ type: row.resourceType, id: row.id }));
        const seen = new Set(matchKeys.map((key) => `${key.type}/${key.id}`));
        const extraKeys = [...(await search.includes(db.kysely, parsed, matchKeys)), ...(await search.revincludes(db.kysely, parsed, matchKeys))].filter((key) => {
          const name = `${key.type}/${key.id}`;
          if (seen.has(name)) return false;
          seen.add(name);
          return true;
        });
        const included = await visible(authorizer, principal, "read", await currentRows(db.kysely, extraKeys));
        await auditShown(principal, "fhir.search", supported, [...shown, ...included]);
        return { matches: shown.map(({ row, resource }) => storedOf(row, resource)), included: included.map(({ row, resource }) => storedOf(row, resource)), next };
      } catch (error) {
        return refuse(entry, error);
      }
    },

    /**
     * Everything in one patient's record the principal may read (FHIR Patient/$everything), as a searchset Bundle.
     * @throws {AppError} `fhir.not_found` (also when the Patient may not be read), `fhir.gone`.
     */
    async everything(principal: Principal, patientId: string): Promise<{ resourceType: "Bundle"; type: "searchset"; total: number; entry: Array<{ fullUrl: string; resource: FhirResource; search: { mode: "match" } }> }> {
      await api.read(principal, "Patient", patientId);
      const entry = auditEntryFor(principal, "fhir.everything", "Patient", patientId);
      try {
        const rows = await createFhirStore(db.kysely).patientCompartment(patientId);
        const shown = await visible(access.recordAuthorizer(principal), principal, "read", rows);
        await audit.record({ ...entry, reasonCode: shown.some((item) => item.breakGlass) ? "access.break_glass" : "access.permitted", breakGlass: shown.some((item) => item.breakGlass) || undefined });
        return {
          resourceType: "Bundle",
          type: "searchset",
          total: shown.length,
          entry: shown.map(({ resource }) => ({ fullUrl: `${deps.baseUrl}/${resource.resourceType}/${resource.id}`, resource, search: { mode: "match" } })),
        };
      } catch (error) {
        return refuse(entry, error);
      }
    },

    /**
     * Applies a transaction Bundle atomically: every entry or none. Entries are authorized and audited one by one
     * inside the one database transaction.
     * @throws {AppError} `fhir.invalid_bundle` and any error of an entry, its expression prefixed with the entry.
     */
    async transaction(principal: Principal, body: unknown): Promise<TransactionBundle> {
      const entry = auditEntryFor(principal, "fhir.transaction", "Bundle");
      try {
        return await runTransaction({ audit, writer, access, visible: visibleRecords, clock, validate: (type, body) => validateRecord(type, body, clock.now()), baseUrl: deps.baseUrl }, principal, body);
      } catch (error) {
        return refuse(entry, error);
      }
    },
  };
  return api;
}

export type Records = ReturnType<typeof createRecords>;
