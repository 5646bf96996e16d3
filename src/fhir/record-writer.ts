import { authorizeRecord, type Access, type Confidentiality, type RecordAuthorizer, type RecordGrant, type RecordTarget, type RecordWrite } from "../access/index.js";
import { actorOf, grantAction, type AuditBatch, type AuditEntry } from "../audit/index.js";
import type { Keyring } from "../crypto/index.js";
import { isUniqueViolation, type Executor } from "../db/index.js";
import { AppError, type Principal } from "../kernel/index.js";
import { categoryOf, resourceTypes, type FhirResource, type SupportedType } from "./resources/index.js";
import { recordWriteOf } from "./record-changes.js";
import { confidentialityOf, referencedPatientId } from "./validation/index.js";
import type { SearchIndex } from "./search/index.js";
import { createFhirStore, type VersionRow } from "./store.js";

export interface StoredResource {
  resource: FhirResource;
  versionId: string;
  lastUpdated: Date;
}

/** One change to a resource: a new resource, a new version of one, or its logical deletion. */
export type WriteOperation =
  | { kind: "create"; type: SupportedType; id: string; resource: FhirResource }
  | { kind: "update"; type: SupportedType; id: string; resource: FhirResource; ifMatch?: number | undefined }
  | { kind: "delete"; type: SupportedType; id: string };

export interface WriteResult {
  /** Absent for a delete. */
  stored?: StoredResource | undefined;
  /** False when a delete found the resource already deleted: nothing was written. */
  changed: boolean;
}

/** Extension on `meta` naming the account that wrote the version, so who wrote what stays inside the signed body. */
/** The refusal of a write to a record the caller may not read, which the caller is answered as if it did not exist. */
export const hiddenRecordReason = "access.record_not_readable";

export const recordedByExtensionUrl = "urn:mamori:fhir:StructureDefinition:recorded-by";
export const accountIdentifierSystem = "urn:mamori:account";

export const bodyContext = (type: string, id: string, version: number) => `fhir:${type}/${id}/_history/${version}`;

/**
 * The policy view of a resource version: never its content. The label is passed explicitly: a stored version's is
 * its `confidentiality` column, a resource about to be written has it in `meta.security` (`confidentialityOf`).
 */
export function targetOf(type: SupportedType, id: string, patientId: string | null | undefined, confidentiality: Confidentiality): RecordTarget {
  return { type, id, category: categoryOf(type), patientId: patientId ?? undefined, confidentiality };
}

export function auditEntryFor(principal: Principal, action: string, type: string, id?: string, patientId?: string | null): AuditEntry {
  return {
    action,
    outcome: "success",
    actor: actorOf(principal),
    resource: { type, id },
    patientId: patientId ?? (type === "Patient" ? id : undefined),
    network: principal.network,
  };
}

/**
 * Writes versions inside a caller's transaction: checks the patient compartment and the version precondition,
 * authorizes, encrypts under the right data key, appends the version, keeps the search index and the access side
 * tables current, and adds the audit entry to the transaction's batch (`Audit.transaction`) — all in that
 * transaction, so a failure leaves nothing behind.
 */
export function createRecordWriter(deps: { keyring: Keyring; access: Access; search: SearchIndex }) {
  const { keyring, access, search } = deps;
  // Per transaction, the patients found current there and their data keys: the entries of one Bundle about one
  // patient read them once. A transaction is a fresh executor object, so nothing outlives it.
  const patientKeys = new WeakMap<Executor, Map<string, string>>();
  const keysIn = (trx: Executor) => {
    let keys = patientKeys.get(trx);
    if (!keys) patientKeys.set(trx, (keys = new Map()));
    return keys;
  };

  /** The patient a new version belongs to, checked to exist. @throws {AppError} `fhir.missing_patient`, `fhir.invalid_reference`. */
  async function compartmentOf(trx: Executor, type: SupportedType, id: string, resource: FhirResource): Promise<string | null> {
    const category = categoryOf(type);
    if (category === "directory") return null;
    if (category === "demographic") return id;
    const patientId = referencedPatientId(type, resource) ?? (type === "Provenance" ? await patientOfTargets(trx, resource) : undefined);
    const element = "patientElement" in resourceTypes[type] ? (resourceTypes[type] as { patientElement: string }).patientElement : "subject";
    if (patientId === undefined) throw new AppError("fhir.missing_patient", { expression: [`${type}.${element}`] });
    if (keysIn(trx).has(patientId)) return patientId;
    const patient = await createFhirStore(trx).currentVersion("Patient", patientId);
    if (!patient || patient.isDeleted) throw new AppError("fhir.invalid_reference", { expression: [`${type}.${element}`] });
    return patientId;
  }

  async function dataKeyFor(trx: Executor, type: SupportedType, patientId: string | null, isNewPatient: boolean): Promise<string> {
    if (patientId === null) return keyring.systemDataKeyId();
    const store = createFhirStore(trx);
    const known = keysIn(trx);
    if (isNewPatient) {
      const dataKeyId = await keyring.createDataKey("patient", trx);
      await store.insertPatientKey(patientId, dataKeyId);
      known.set(patientId, dataKeyId);
      return dataKeyId;
    }
    const dataKeyId = known.get(patientId) ?? (await store.patientKey(patientId));
    if (!dataKeyId) throw new AppError("fhir.invalid_reference", { detail: `no data key for the patient of a ${type}` });
    known.set(patientId, dataKeyId);
    return dataKeyId;
  }

  /** The stored resource of a version, inside the write transaction. */
  async function open(trx: Executor, row: VersionRow): Promise<FhirResource> {
    return JSON.parse((await keyring.decrypt(row.body, bodyContext(row.resourceType, row.id, row.version), trx)).toString("utf8")) as FhirResource;
  }

  /**
   * Updates the access side tables for a written resource and audits each grant it made or withdrew as an
   * `access.grant` entry of the same transaction, naming the grantee and the patient.
   */
  async function recordGrants(trx: Executor, audit: AuditBatch, principal: Principal, written: { resource: FhirResource; version: number; patientId: string | null; deleted: boolean }, reasonCode: string): Promise<void> {
    const { resource, patientId, deleted } = written;
    const grants: RecordGrant[] = await access.recordWritten(trx, { resource, patientId: patientId ?? undefined, deleted, authorAccountId: principal.accountId, authorRoles: principal.roles });
    for (const { patientId: granted, grant } of grants) {
      audit.add({ ...auditEntryFor(principal, grantAction, resource.resourceType, resource.id, granted), reasonCode, resource: { type: resource.resourceType, id: resource.id, version: String(written.version) }, grant });
    }
  }

  return {
    /**
     * Applies one operation in `trx` for `principal`.
     * @throws {AppError} `access.denied`, `fhir.not_found`, `fhir.version_conflict`, `fhir.conflict`,
     * `fhir.missing_patient`, `fhir.invalid_reference`, `fhir.patient_change`, `fhir.update_create_unsupported`.
     */
    async apply(trx: Executor, audit: AuditBatch, principal: Principal, authorizer: RecordAuthorizer, operation: WriteOperation, now: Date): Promise<WriteResult> {
      const store = createFhirStore(trx);
      const { type, id } = operation;
      const current: VersionRow | undefined = operation.kind === "create" ? undefined : await store.currentVersion(type, id);
      const action = `fhir.${operation.kind}`;
      // A record the caller may not read is answered as absent before anything about it (its patient, its version,
      // whether it was deleted) can show in the answer: uniform refusal for writes as for reads.
      if (current && !(await authorizer.preview("read", targetOf(type, id, current.patientId, current.confidentiality))).allowed) {
        throw new AppError("access.denied", { detail: hiddenRecordReason });
      }

      if (operation.kind === "delete") {
        if (!current) throw new AppError("fhir.not_found");
        const permitted = await authorizeRecord(principal, authorizer, "delete", targetOf(type, id, current.patientId, current.confidentiality));
        if (current.isDeleted) return { changed: false };
        if (type === "Patient") keysIn(trx).delete(id);
        const version = current.version + 1;
        // The deleted version keeps only the identity of the resource; earlier versions stay readable by vread.
        const marker: FhirResource = { resourceType: type, id, meta: { versionId: String(version), lastUpdated: now.toISOString(), extension: [recordedBy(principal)] } };
        const body = await keyring.encrypt(current.dataKeyId, Buffer.from(JSON.stringify(marker)), bodyContext(type, id, version), trx);
        await insert(store, { ...current, version, body, isDeleted: true, lastUpdated: now, authorId: principal.accountId }, false);
        await search.remove(trx, type, id);
        await recordGrants(trx, audit, principal, { resource: marker, version, patientId: current.patientId, deleted: true }, permitted.reasonCode);
        audit.add({ ...auditEntryFor(principal, action, type, id, current.patientId), reasonCode: permitted.reasonCode, breakGlass: permitted.breakGlass || undefined, resource: { type, id, version: String(version) } });
        return { changed: true };
      }

      if (operation.kind === "update") {
        if (!current) throw new AppError("fhir.update_create_unsupported");
        if (operation.ifMatch !== undefined && operation.ifMatch !== current.version) throw new AppError("fhir.version_conflict", { detail: `expected version ${operation.ifMatch}` });
      }

      const patientId = await compartmentOf(trx, type, id, operation.resource);
      if (current && current.patientId !== patientId) throw new AppError("fhir.patient_change");
      // An update must be allowed on what the resource is now and on what it becomes (e.g. a label added or removed),
      // for the elements it changes; moving the label is a decision of its own (`relabel`) on the record as it is.
      const label = confidentialityOf(operation.resource);
      const write: RecordWrite | undefined = current ? recordWriteOf(await open(trx, current), operation.resource, { from: current.confidentiality, to: label }, current.authorId === principal.accountId, recordedByExtensionUrl) : undefined;
      if (current) await authorizeRecord(principal, authorizer, "update", targetOf(type, id, current.patientId, current.confidentiality), write);
      const permitted = await authorizeRecord(principal, authorizer, operation.kind, targetOf(type, id, patientId, label), write);
      const relabelled = current && write && write.labelChange !== "none" ? await authorizeRecord(principal, authorizer, "relabel", targetOf(type, id, current.patientId, current.confidentiality), write) : undefined;

      const version = current ? current.version + 1 : 1;
      const meta: Record<string, unknown> = { ...operation.resource.meta, versionId: String(version), lastUpdated: now.toISOString() };
      const otherExtensions = Array.isArray(meta["extension"]) ? (meta["extension"] as Array<{ url?: unknown }>).filter((extension) => extension.url !== recordedByExtensionUrl) : [];
      // The server assigns id and meta (FHIR R4 http.html#create: a client-supplied id is ignored on create).
      const resource: FhirResource = { ...operation.resource, id, meta: { ...meta, extension: [...otherExtensions, recordedBy(principal)] } };
      const dataKeyId = current ? current.dataKeyId : await dataKeyFor(trx, type, patientId, type === "Patient");
      const body = await keyring.encrypt(dataKeyId, Buffer.from(JSON.stringify(resource)), bodyContext(type, id, version), trx);
      await insert(
        store,
        { resourceType: type, id, version, patientId, dataKeyId, body, isDeleted: false, lastUpdated: now, authorId: principal.accountId, confidentiality: confidentialityOf(resource) },
        operation.kind === "update" && operation.ifMatch !== undefined,
      );
      await search.write(trx, { ...resource, id }, patientId ?? undefined, { isNew: current === undefined });
      await recordGrants(trx, audit, principal, { resource, version, patientId, deleted: false }, permitted.reasonCode);
      audit.add({ ...auditEntryFor(principal, action, type, id, patientId), reasonCode: permitted.reasonCode, breakGlass: permitted.breakGlass || undefined, resource: { type, id, version: String(version) } });
      if (current && relabelled && write?.labelChange === "lowered") {
        // Lowering a label opens the record to everyone its new label admits: a grant of its own for review.
        audit.add({
          ...auditEntryFor(principal, grantAction, type, id, patientId),
          reasonCode: relabelled.reasonCode,
          resource: { type, id, version: String(version) },
          grant: { kind: "label", change: "lowered", grantee: {}, label: { from: current.confidentiality, to: label } },
        });
      }
      return { stored: { resource, versionId: String(version), lastUpdated: now }, changed: true };
    },
  };
}

export type RecordWriter = ReturnType<typeof createRecordWriter>;

// oxlint-disable-next-line security/detect-unsafe-regex -- bounded repetitions and one optional group; linear.
const versionedReference = /^([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/\d{1,9})?$/;

/** A Provenance about another record belongs to that record's patient (CompartmentDefinition Patient: target). */
async function patientOfTargets(trx: Executor, resource: FhirResource): Promise<string | undefined> {
  const targets = Array.isArray(resource["target"]) ? (resource["target"] as Array<{ reference?: unknown }>) : [];
  for (const target of targets) {
    const match = typeof target.reference === "string" ? versionedReference.exec(target.reference) : null;
    if (!match) continue;
    const row = await createFhirStore(trx).currentVersion(match[1]!, match[2]!);
    if (row?.patientId) return row.patientId;
  }
  return undefined;
}

function recordedBy(principal: Principal) {
  return { url: recordedByExtensionUrl, valueIdentifier: { system: accountIdentifierSystem, value: principal.accountId } };
}

/** Appends a version; the primary key makes a concurrent writer of the same version lose. */
async function insert(store: ReturnType<typeof createFhirStore>, row: VersionRow, hadPrecondition: boolean): Promise<void> {
  try {
    await store.insertVersion(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError(hadPrecondition ? "fhir.version_conflict" : "fhir.conflict", { cause: error });
    throw error;
  }
}
