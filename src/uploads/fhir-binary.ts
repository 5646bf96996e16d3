import { AppError } from "../kernel/index.js";
import type { StoredUpload } from "./uploads.js";

/** A FHIR R4 Binary as a request body (https://hl7.org/fhir/R4/binary.html); other elements are not kept. */
export interface FhirBinaryInput {
  resourceType: "Binary";
  contentType: string;
  securityContext?: { reference?: string | undefined } | undefined;
  data?: string | undefined;
}

/** Every file belongs to one patient's record, so the only securityContext accepted is that Patient. */
const patientReference = /^Patient\/([A-Za-z0-9\-.]{1,64})$/;
/** base64Binary allows whitespace between quads (R4 datatypes.html#base64Binary); one character class keeps this linear. */
const base64Text = /^[A-Za-z0-9+/=\s]*$/;
const base64Quads = /^[A-Za-z0-9+/]*={0,2}$/;

function invalid(element: string, detail: string): AppError {
  return new AppError("uploads.invalid_binary", { expression: [`Binary.${element}`], detail });
}

/** The media type without parameters, lower case: what the sanitiser compares with the detected type. */
export function mediaTypeOf(contentType: string): string {
  return contentType.split(";")[0]!.trim().toLowerCase();
}

/**
 * The upload a FHIR Binary asks for: the patient its securityContext names, its declared type and the decoded bytes
 * of `data`. The bytes then go through the same scan, sanitiser, authorization and audit as a raw upload.
 * @throws {AppError} `uploads.invalid_binary` naming `Binary.data` or `Binary.securityContext`.
 */
export function uploadOfFhirBinary(binary: FhirBinaryInput): { patientId: string; declaredType: string; bytes: Buffer } {
  const patientId = patientReference.exec(binary.securityContext?.reference ?? "")?.[1];
  if (patientId === undefined) throw invalid("securityContext", "expected a reference to the Patient, Patient/<id>");
  if (binary.data === undefined) throw invalid("data", "the file content is missing");
  if (!base64Text.test(binary.data)) throw invalid("data", "not base64");
  const quads = binary.data.replace(/\s+/g, "");
  if (quads.length % 4 !== 0 || !base64Quads.test(quads)) throw invalid("data", "not base64");
  return { patientId, declaredType: mediaTypeOf(binary.contentType), bytes: Buffer.from(quads, "base64") };
}

/** A stored file as FHIR answers it. */
export interface FhirBinary {
  resourceType: "Binary";
  id: string;
  contentType: string;
  securityContext: { reference: string };
  data?: string;
}

/** A stored file as a FHIR Binary; with `data` when the bytes are given (the JSON form of a read). */
export function fhirBinaryOf(file: StoredUpload & { bytes: Buffer }): FhirBinary & { data: string };
export function fhirBinaryOf(file: StoredUpload): FhirBinary;
export function fhirBinaryOf(file: StoredUpload & { bytes?: Buffer }): FhirBinary {
  return {
    resourceType: "Binary",
    id: file.id,
    contentType: file.contentType,
    securityContext: { reference: `Patient/${file.patientId}` },
    ...(file.bytes ? { data: file.bytes.toString("base64") } : {}),
  };
}
