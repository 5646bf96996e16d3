import { requestBlob } from "./http.js";

/**
 * The signed-in patient's whole record as a readable PDF (rendered on the server with a Japanese font).
 * @throws RequestError when the server refuses or fails.
 */
export function downloadRecordPdf(): Promise<Blob> {
  return requestBlob("/api/portal/export.pdf");
}
