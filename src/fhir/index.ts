export { createRecords, type Records, type StoredResource } from "./records.js";
export { capabilityStatement } from "./capability.js";
export type { FhirResource } from "./resources/index.js";
export { patientDataKeyId } from "./patient-keys.js";
export { createShredding, type Shredding } from "./shred.js";
export { reencryptAll } from "./reencrypt.js";
