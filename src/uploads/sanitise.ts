import { detectKind, type AcceptedContentType } from "./detect.js";
import { checkImageForPolyglot } from "./polyglot.js";
import { Refusal, type RefusalCode } from "./refusal.js";
import { sanitiseImage } from "./sanitisers/image.js";
import { sanitisePdf } from "./sanitisers/pdf.js";
import { sanitiseText } from "./sanitisers/text.js";

export interface SanitiseLimits {
  maxBytes: number;
  maxPixels: number;
}

export type SanitiseOutcome =
  | { ok: true; bytes: Uint8Array; contentType: string; detected: string }
  | { ok: false; code: RefusalCode; detected: string | undefined; detail?: string | undefined };

/**
 * The sanitising pipeline for one file, in order: size → type from content → polyglot check → the format's
 * sanitiser (re-encode images, rebuild PDFs, validate text). Pure CPU work, run in a worker thread by the pool.
 * Never throws: a refusal comes back as a reason code.
 */
export async function sanitise(input: Uint8Array, declared: string, limits: SanitiseLimits): Promise<SanitiseOutcome> {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  let detected: string | undefined;
  try {
    if (bytes.length > limits.maxBytes) throw new Refusal("uploads.too_large");
    if (bytes.length === 0) throw new Refusal("uploads.invalid_file", "empty");
    const found = await detectKind(bytes, declared);
    detected = found.detected;
    if (found.kind === "pdf") return { ok: true, ...(await sanitisePdf(bytes)), detected };
    if (found.kind === "text") return { ok: true, ...sanitiseText(bytes, declared as Extract<AcceptedContentType, `text/${string}`>), detected };
    checkImageForPolyglot(bytes, found.kind);
    return { ok: true, ...(await sanitiseImage(bytes, found.kind, limits.maxPixels)), detected };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, code: error.code, detected: detected ?? error.detail, detail: error.detail };
    return { ok: false, code: "uploads.invalid_file", detected };
  }
}
