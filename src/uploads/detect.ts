import { fileTypeFromBuffer } from "file-type";
import { Refusal } from "./refusal.js";

/** The content types an upload may declare (the HTTP body's Content-Type). */
export const acceptedContentTypes = ["image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf", "text/plain", "text/csv"] as const;
export type AcceptedContentType = (typeof acceptedContentTypes)[number];

export type FileKind = "jpeg" | "png" | "webp" | "heic" | "pdf" | "text";

const kindOfDetectedMime: Record<string, FileKind> = {
  "image/jpeg": "jpeg",
  "image/png": "png",
  "image/webp": "webp",
  "image/heic": "heic",
  "image/heif": "heic",
  "application/pdf": "pdf",
};

const kindOfDeclared: Record<AcceptedContentType, FileKind> = {
  "image/jpeg": "jpeg",
  "image/png": "png",
  "image/webp": "webp",
  "image/heic": "heic",
  "application/pdf": "pdf",
  "text/plain": "text",
  "text/csv": "text",
};

/** True when a declared media type (without parameters) is one we accept. */
export function isAcceptedContentType(value: string): value is AcceptedContentType {
  return (acceptedContentTypes as readonly string[]).includes(value);
}

/**
 * Decides what a file is from its bytes (magic numbers, via file-type), never from its name or header, and checks
 * the declared type agrees. Content with no binary signature can only be text; the text sanitiser validates it.
 * @throws {Refusal} `uploads.unsupported_type` for any other detected format (zip, exe, avif…),
 *   `uploads.type_mismatch` when the content is not what was declared.
 */
export async function detectKind(bytes: Uint8Array, declared: string): Promise<{ kind: FileKind; detected: string }> {
  const found = await fileTypeFromBuffer(bytes);
  const detected = found?.mime ?? "text/plain";
  const kind = found ? kindOfDetectedMime[found.mime] : "text";
  if (!kind) throw new Refusal("uploads.unsupported_type", detected);
  const expected = isAcceptedContentType(declared) ? kindOfDeclared[declared] : undefined;
  if (expected === undefined) throw new Refusal("uploads.unsupported_type", detected);
  if (expected !== kind) throw new Refusal("uploads.type_mismatch", detected);
  return { kind, detected };
}
