export { createRecords, type Records, type StoredResource, type HistoryEntry, type HistoryCursor, type SearchResult } from "./records.js";
export { capabilityStatement } from "./capability.js";
export type { FhirResource, SupportedType } from "./resources/index.js";
export { patientDataKeyId } from "./patient-keys.js";
export { createShredding, type Shredding } from "./shred.js";
export { reencryptAll } from "./reencrypt.js";
export { createPageTokens, type PageState, type PageTokens } from "./page-token.js";
export type { SearchPort } from "./search-port.js";
