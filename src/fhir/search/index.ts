/**
 * FHIR search (FHIR R4 search.html) over an index kept beside the encrypted resource versions.
 *
 * The records module calls `write` in the transaction of every create and update (it replaces what was indexed
 * for that type and id, so only the current version is searchable) and `remove` on delete. A search is `parse`d
 * once, then `page` returns keys in sort order after an opaque cursor; the records module loads, decrypts and
 * authorizes each key and asks again until it has `_count` visible matches. `includes`/`revincludes` give the keys
 * of `_include`/`_revinclude`. Next-page links carry only `sealPageToken`'s encrypted token.
 *
 * What is stored: names, identifiers, birth dates (year, month and day), codes and telecom only as keyed
 * HMAC-SHA256 hashes (`keyring.blindIndex`, one key per type and parameter); names as a hash of every prefix up to
 * 32 characters after normalising width, kana and case. Clinical event dates and references (random ids) are
 * clear so ranges, sorting and _include work. docs/data-at-rest.md lists each clear column.
 *
 * Strict: a parameter, modifier or prefix not supported is refused with `fhir.invalid_search`; `searchParamsOf`
 * gives exactly the supported ones for the CapabilityStatement.
 */
import type { Keyring } from "../../crypto/index.js";
import type { Executor } from "../../db/index.js";
import { AppError } from "../../kernel/index.js";
import type { FhirResource } from "../resources/index.js";
import { indexRowsOf } from "./index-rows.js";
import { invalid, parseSearch, type ParsedSearch } from "./parse.js";
import { createSearchStore, type ResourceKey } from "./store.js";

export type { ParsedSearch, SearchCondition, IncludeSpec, DateTest, ReferenceTarget, SortKey } from "./parse.js";
export type { ResourceKey } from "./store.js";
export { defaultCount, maxCount, sinceOf } from "./parse.js";
export { searchParamsOf, searchParameters } from "./parameters.js";
export { sealPageToken, openPageToken, pageTokenLifetimeMs, type PageState } from "./page-token.js";
export { normaliseName } from "./normalise.js";

/**
 * The search parameters of a query string or an `application/x-www-form-urlencoded` POST _search body, in order and
 * with repeats kept (a parsed query object would lose both, and repeats mean AND).
 */
export function searchParamsFromQuery(text: string): Array<[string, string]> {
  return [...new URLSearchParams(text.startsWith("?") ? text.slice(1) : text)];
}

/** The search index of the records module. */
export interface SearchIndex {
  /** Replaces the rows of this type and id with those of `resource`; call in the write transaction of every create/update. */
  write(executor: Executor, resource: FhirResource & { id: string }, patientId: string | undefined, options?: { isNew?: boolean }): Promise<void>;
  /** Removes the rows of this type and id; call in the delete's transaction. */
  remove(executor: Executor, type: string, id: string): Promise<void>;
  /** Removes every row of one patient's records (and of the Patient), e.g. with crypto-shredding, so no hash outlives the data. */
  removePatient(executor: Executor, patientId: string): Promise<number>;
  /** @throws {AppError} `fhir.invalid_search` (HTTP 400 OperationOutcome) naming the bad parameter; `fhir.unsupported_type`. */
  parse(type: string, params: ReadonlyArray<readonly [string, string]>): ParsedSearch;
  /**
   * Matching current, undeleted resources in sort order, after an opaque cursor; no authorization here. `next` is
   * set when more may follow.
   * @throws {AppError} `fhir.invalid_search` (expression `_page`) for a cursor that is not one `page` returned.
   */
  page(executor: Executor, search: ParsedSearch, after: string | undefined, limit: number): Promise<{ keys: ResourceKey[]; next: string | undefined }>;
  /** The resources `_include` names, referenced by the matches, without the matches themselves. */
  includes(executor: Executor, search: ParsedSearch, matches: ResourceKey[]): Promise<ResourceKey[]>;
  /** The resources `_revinclude` names, referencing the matches, without the matches themselves. */
  revincludes(executor: Executor, search: ParsedSearch, matches: ResourceKey[]): Promise<ResourceKey[]>;
}

/** Creates the search index over the keyring's blind-index key. */
export function createSearchIndex(deps: { keyring: Keyring }): SearchIndex {
  const blindIndex = (field: string, value: string) => deps.keyring.blindIndex(field, value);
  const withoutMatches = (keys: ResourceKey[], matches: ResourceKey[]) => {
    const matched = new Set(matches.map((key) => `${key.type}/${key.id}`));
    return keys.filter((key) => !matched.has(`${key.type}/${key.id}`));
  };
  return {
    async write(executor, resource, patientId, options) {
      await createSearchStore(executor).replace(indexRowsOf(blindIndex, resource, patientId), options?.isNew ?? false);
    },
    async remove(executor, type, id) {
      await createSearchStore(executor).remove(type, id);
    },
    removePatient: (executor, patientId) => createSearchStore(executor).removePatient(patientId),
    parse: (type, params) => parseSearch(blindIndex, type, params),
    async page(executor, search, after, limit) {
      if (!Number.isInteger(limit) || limit < 1) throw new AppError("fhir.invalid_search", { expression: ["_count"], detail: "_count: limit below 1" });
      const cursor = after === undefined ? undefined : decodeCursor(after);
      if (cursor && (cursor.sort === undefined) !== (search.sort.key === "_id")) throw invalid("_page", "cursor of another sort order");
      const rows = await createSearchStore(executor).page(search, cursor, limit + 1);
      const kept = rows.slice(0, limit);
      const last = kept.at(-1);
      return {
        keys: kept.map((row) => ({ type: search.type, id: row.id })),
        next: rows.length > limit && last ? encodeCursor(last.sort, last.id) : undefined,
      };
    },
    async includes(executor, search, matches) {
      const ids = matches.filter((key) => key.type === search.type).map((key) => key.id);
      return withoutMatches(await createSearchStore(executor).referencedBy(search.include, ids), matches);
    },
    async revincludes(executor, search, matches) {
      const ids = matches.filter((key) => key.type === search.type).map((key) => key.id);
      return withoutMatches(await createSearchStore(executor).referencing(search.revinclude, search.type, ids), matches);
    },
  };
}

/** The keyset position after a row: its sort value (epoch ms, null when sorting by id) and id. */
function encodeCursor(sort: Date | undefined, id: string): string {
  return Buffer.from(JSON.stringify([sort?.getTime() ?? null, id])).toString("base64url");
}

function decodeCursor(cursor: string): { sort: Date | undefined; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && (value[0] === null || Number.isSafeInteger(value[0])) && typeof value[1] === "string" && value[1].length <= 64) {
      return { sort: value[0] === null ? undefined : new Date(value[0] as number), id: value[1] };
    }
  } catch {
    // Falls through to the refusal below.
  }
  throw invalid("_page", "cursor not issued by this server");
}
