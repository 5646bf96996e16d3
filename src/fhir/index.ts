export { createRecords, type Records, type StoredResource } from "./records.js";
export { capabilityStatement } from "./capability.js";
export type { FhirResource } from "./resources/index.js";
