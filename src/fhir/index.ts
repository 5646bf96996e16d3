export { createRecords, type Records, type StoredResource, type HistoryEntry, type HistoryCursor, type SearchResult } from "./records.js";
export { capabilityStatement } from "./capability.js";
export type { FhirResource, SupportedType } from "./resources/index.js";
export { patientDataKeyId } from "./patient-keys.js";
export { addressChangedBy, emailOnRecord } from "./patient-email.js";
export { createShredding, type Shredding } from "./shred.js";
export { reencryptAll } from "./reencrypt.js";
export { createSearchIndex, searchParamsFromQuery, searchParamsOf, sinceOf, openPageToken, sealPageToken, type PageState, type SearchIndex } from "./search/index.js";
import type { PageState } from "./search/index.js";

/** Sealed `_page` links of searches and histories, bound to the account that asked (see search/page-token.ts). */
export interface PageTokens {
  seal(accountId: string, state: PageState): Promise<string>;
  /** @throws {AppError} `fhir.invalid_search` for an altered, foreign or expired token. */
  open(accountId: string, token: string): Promise<PageState>;
}
