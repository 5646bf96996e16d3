import { Refusal } from "../refusal.js";

// C0 controls other than tab, line feed, carriage return; DEL; C1 controls; bidirectional overrides and isolates,
// which make text read differently from how it is stored ("Trojan Source", CVE-2021-42574).
// oxlint-disable-next-line no-control-regex -- refusing control characters is the point of this pattern.
const disallowedCharacter = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// Markup a browser or office suite would act on if the file were ever opened as HTML.
const markup = /<\s*(script|html|iframe|object|embed|svg|body|img|link|meta|style|form|base)\b|<!doctype|<\?php|<\?xml|javascript:|vbscript:/i;

/**
 * Accepts plain text and CSV only as valid UTF-8 without NUL or control characters and without HTML or script
 * markup; the bytes are kept as they are (nothing in valid plain text is active).
 * @throws {Refusal} `uploads.invalid_text`, `uploads.active_content`.
 */
export function sanitiseText(bytes: Buffer, declared: "text/plain" | "text/csv"): { bytes: Buffer; contentType: string } {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new Refusal("uploads.invalid_text", "not utf-8");
  }
  if (disallowedCharacter.test(text)) throw new Refusal("uploads.invalid_text", "control character");
  if (markup.test(text)) throw new Refusal("uploads.active_content", "markup in text");
  return { bytes, contentType: declared };
}
