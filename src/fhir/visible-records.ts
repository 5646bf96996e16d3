import { authorizeRecord, type RecordAuthorizer } from "../access/index.js";
import type { Audit } from "../audit/index.js";
import type { Keyring } from "../crypto/index.js";
import type { Executor } from "../db/index.js";
import { AppError, isAppError, type Principal } from "../kernel/index.js";
import { auditEntryFor, bodyContext, targetOf, type StoredResource } from "./record-writer.js";
import { isSupportedType, type FhirResource, type SupportedType } from "./resources/index.js";
import type { ParsedSearch, SearchIndex } from "./search/index.js";
import { searchParamsFromQuery } from "./search/index.js";
import { createFhirStore, type ResourceKey, type VersionRow } from "./store.js";

/** A search gives up filling a page after reading this many candidate pages (the page is then short, not wrong). */
const maxCandidatePages = 20;

const patientsOf = (rows: readonly VersionRow[]) => rows.flatMap((row) => (row.patientId ? [row.patientId] : []));

/** A row the principal may see, decrypted, and whether only a break-glass grant allowed it. */
export interface ShownRow {
  row: VersionRow;
  resource: FhirResource;
  breakGlass: boolean;
}

/**
 * What of the stored records a principal may see. Rows the policies refuse are left out silently and never
 * decrypted; searches and conditional creates (plain and in a transaction) count only what is left, so an answer
 * never reveals that a hidden record exists.
 */
export function createVisibleRecords(deps: { keyring: Keyring; audit: Audit; search: SearchIndex }) {
  const { keyring, audit, search } = deps;

  /** The resource of a stored version; `executor` is the caller's transaction, if in one (`Keyring.decrypt`). */
  async function open(row: VersionRow, executor?: Executor): Promise<FhirResource> {
    return JSON.parse((await keyring.decrypt(row.body, bodyContext(row.resourceType, row.id, row.version), executor)).toString("utf8")) as FhirResource;
  }

  /** Whether the principal may see `row` for `action`, and whether only a break-glass grant allows it; reads no content. */
  async function permission(authorizer: RecordAuthorizer, principal: Principal, action: "read" | "search", row: VersionRow): Promise<{ breakGlass: boolean } | undefined> {
    if (row.isDeleted || !isSupportedType(row.resourceType)) return undefined;
    return authorizeRecord(principal, authorizer, action, targetOf(row.resourceType, row.id, row.patientId, row.confidentiality)).catch((error: unknown) => {
      if (isAppError(error, "access.denied")) return undefined;
      throw error;
    });
  }

  /** The rows among `rows` the principal may read for `action`, decrypted (inside `executor`'s transaction, if given), in order. */
  async function visible(authorizer: RecordAuthorizer, principal: Principal, action: "read" | "search", rows: VersionRow[], executor?: Executor): Promise<ShownRow[]> {
    // A page of matches often spans many patients: their access facts are read together, not patient by patient.
    await authorizer.prefetch(patientsOf(rows));
    const decided = await Promise.all(
      rows.map(async (row) => {
        const permitted = await permission(authorizer, principal, action, row);
        return permitted ? { row, resource: await open(row, executor), breakGlass: permitted.breakGlass } : undefined;
      }),
    );
    return decided.filter((shown): shown is ShownRow => shown !== undefined);
  }

  /** The current versions of `keys`, in the order of `keys`. */
  async function currentRows(executor: Executor, keys: ResourceKey[]): Promise<VersionRow[]> {
    const rows = await createFhirStore(executor).currentVersions(keys);
    const byKey = new Map(rows.map((row) => [`${row.resourceType}/${row.id}`, row]));
    return keys.map((key) => byKey.get(`${key.type}/${key.id}`)).filter((row): row is VersionRow => row !== undefined);
  }

  /**
   * Up to `count` resources matching a parsed search that the principal may see, reading candidate pages until the
   * page is full, and where to continue: nowhere when no visible match follows, so the last page is never empty.
   */
  async function searchVisible(principal: Principal, authorizer: RecordAuthorizer, executor: Executor, parsed: ParsedSearch, after: string | undefined) {
    const shown: ShownRow[] = [];
    let cursor = after;
    for (let pages = 0; pages < maxCandidatePages && shown.length < parsed.count; pages++) {
      // Ask only for as many as are still missing, so a page is never cut in the middle and `next` stays exact.
      const page = await search.page(executor, parsed, cursor, parsed.count - shown.length);
      shown.push(...(await visible(authorizer, principal, "search", await currentRows(executor, page.keys), executor)));
      cursor = page.next;
      if (cursor === undefined) break;
    }
    if (cursor !== undefined && shown.length >= parsed.count && !(await isVisibleAfter(principal, authorizer, executor, parsed, cursor))) cursor = undefined;
    return { shown, next: cursor };
  }

  /**
   * Whether any match after `cursor` is one the principal may see, deciding on the stored labels and relationships
   * without decrypting. Gives up (answering yes) after as many candidate pages as a search reads.
   */
  async function isVisibleAfter(principal: Principal, authorizer: RecordAuthorizer, executor: Executor, parsed: ParsedSearch, cursor: string): Promise<boolean> {
    let position: string | undefined = cursor;
    for (let pages = 0; pages < maxCandidatePages && position !== undefined; pages++) {
      const page = await search.page(executor, parsed, position, parsed.count);
      const rows = await currentRows(executor, page.keys);
      await authorizer.prefetch(patientsOf(rows));
      for (const row of rows) if (await permission(authorizer, principal, "search", row)) return true;
      position = page.next;
    }
    return position !== undefined;
  }

  /**
   * The single match of a conditional create's query among what the principal may see (FHIR R4 http.html#ccreate).
   * A match the principal may not see counts as no match, exactly as in a search.
   * @throws {AppError} `fhir.multiple_matches`, `fhir.invalid_search`.
   */
  async function visibleMatch(principal: Principal, authorizer: RecordAuthorizer, executor: Executor, type: SupportedType, query: string): Promise<ShownRow | undefined> {
    const params = searchParamsFromQuery(query).filter(([name]) => name !== "_count");
    const { shown } = await searchVisible(principal, authorizer, executor, search.parse(type, [...params, ["_count", "2"]]), undefined);
    if (shown.length > 1) throw new AppError("fhir.multiple_matches");
    return shown[0];
  }

  /**
   * One audit entry per patient whose records were shown (so each patient's access history lists it), or one
   * without a patient when nothing was; inside `executor`'s transaction when one is given.
   */
  async function auditShown(principal: Principal, action: string, type: string, shown: ReadonlyArray<{ row: VersionRow; breakGlass: boolean }>, executor?: Executor): Promise<void> {
    const byPatient = new Map<string | null, boolean>();
    for (const { row, breakGlass } of shown) byPatient.set(row.patientId, (byPatient.get(row.patientId) ?? false) || breakGlass);
    if (byPatient.size === 0) byPatient.set(null, false);
    const entries = [...byPatient].map(([patientId, breakGlass]) => ({
      ...auditEntryFor(principal, action, type, undefined, patientId),
      reasonCode: breakGlass ? "access.break_glass" : "access.permitted",
      breakGlass: breakGlass || undefined,
    }));
    if (executor === undefined) {
      await Promise.all(entries.map((entry) => audit.record(entry)));
      return;
    }
    for (const entry of entries) await audit.recordWithin(executor, entry);
  }

  return { open, visible, currentRows, searchVisible, visibleMatch, auditShown };
}

export type VisibleRecords = ReturnType<typeof createVisibleRecords>;

/** A decrypted row as the API gives it: the resource with its version and time. */
export function storedOf(row: VersionRow, resource: FhirResource): StoredResource {
  return { resource, versionId: String(row.version), lastUpdated: row.lastUpdated };
}
