import { request, requestBlob } from "./http.js";

export interface StoredBinary {
  resourceType: "Binary";
  id: string;
  contentType: string;
}

/** The file types the uploads module accepts and sanitises. */
export const uploadTypes = ["application/pdf", "image/jpeg", "image/png", "image/webp"] as const;

/**
 * Uploads a file for a patient as FHIR Binary; the server sanitises it (or quarantines it) before storing it.
 * @throws RequestError when the type is refused, the file is quarantined or the policy refuses.
 */
export function uploadBinary(patientId: string, file: Blob): Promise<StoredBinary> {
  return request<StoredBinary>("/fhir/R4/Binary", { method: "POST", rawBody: file, contentType: file.type, headers: { "X-Mamori-Patient": patientId } });
}

/**
 * Downloads a sanitised Binary's bytes (always an attachment on the server side; the page shows it from memory).
 * @throws RequestError when refused or absent.
 */
export function downloadBinary(id: string): Promise<Blob> {
  return requestBlob(`/fhir/R4/Binary/${encodeURIComponent(id)}`);
}
