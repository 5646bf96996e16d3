export { createUploads, type Uploads, type StoredUpload, type UploadInput, type QuarantineItem, type UploadSettings } from "./uploads.js";
export { createSanitiserPool, type SanitiserPool } from "./worker-pool.js";
export { sanitise, type SanitiseOutcome, type SanitiseLimits } from "./sanitise.js";
export { acceptedContentTypes, isAcceptedContentType, type AcceptedContentType } from "./detect.js";
export { eicarTestString } from "./eicar.js";
export type { RefusalCode } from "./refusal.js";
export { fhirBinaryOf, mediaTypeOf, uploadOfFhirBinary, type FhirBinary, type FhirBinaryInput } from "./fhir-binary.js";
