import { Refusal } from "./refusal.js";
import type { FileKind } from "./detect.js";

/** Signatures of formats that readers find anywhere, or from the end of a file: their presence makes a polyglot. */
const foreignMarkers = [Buffer.from("%PDF"), Buffer.from("PK\u0003\u0004"), Buffer.from("PK\u0005\u0006"), Buffer.from("Rar!"), Buffer.from("7z\u00bc\u00af")];
const markupMarker = /<\s*(script|html|iframe|object|embed|svg|body)\b|<\?php|javascript:/i;

/**
 * Refuses an image that carries another format: data after the image's own end that a PDF, ZIP or browser would
 * read (the JPEG+ZIP and JPEG+PDF polyglots), or a PDF header within the first 1024 bytes, which PDF readers accept
 * (PDF 32000-1 Annex H.3 implementation note 13).
 * @throws {Refusal} `uploads.polyglot`.
 */
export function checkImageForPolyglot(bytes: Buffer, kind: Exclude<FileKind, "pdf" | "text">): void {
  if (bytes.subarray(1, 1024).includes("%PDF-")) throw new Refusal("uploads.polyglot", "pdf header in first 1024 bytes");
  const end = imageEnd(bytes, kind);
  if (end === undefined || end >= bytes.length) return;
  const trailer = bytes.subarray(end);
  if (foreignMarkers.some((marker) => trailer.includes(marker)) || markupMarker.test(trailer.toString("latin1"))) {
    throw new Refusal("uploads.polyglot", `data after the ${kind} end`);
  }
}

/** Where the image's own structure ends, or undefined when it cannot be walked (the decoder then decides). */
export function imageEnd(bytes: Buffer, kind: Exclude<FileKind, "pdf" | "text">): number | undefined {
  try {
    if (kind === "png") return pngEnd(bytes);
    if (kind === "jpeg") return jpegEnd(bytes);
    if (kind === "webp") return 8 + bytes.readUInt32LE(4) + (bytes.readUInt32LE(4) % 2);
    return isoBoxesEnd(bytes);
  } catch {
    return undefined;
  }
}

/** PNG: chunks of length, type, data and CRC until IEND (ISO/IEC 15948 §5.3). */
function pngEnd(bytes: Buffer): number | undefined {
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString("latin1", offset + 4, offset + 8);
    offset += 12 + length;
    if (type === "IEND") return offset;
  }
  return undefined;
}

/** JPEG: length-prefixed segments, entropy-coded data after each SOS, until EOI (ITU-T T.81 Annex B). */
function jpegEnd(bytes: Buffer): number | undefined {
  let offset = 2;
  while (offset + 1 < bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if (marker === 0xd9) return offset + 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      offset += 2;
      continue;
    }
    offset += 2 + bytes.readUInt16BE(offset + 2);
    if (marker !== 0xda) continue;
    // Entropy-coded data: 0xFF is followed by 0x00 (stuffing) or a restart marker until the next real marker.
    while (offset + 1 < bytes.length && !(bytes[offset] === 0xff && bytes[offset + 1] !== 0x00 && !(bytes[offset + 1]! >= 0xd0 && bytes[offset + 1]! <= 0xd7))) offset += 1;
  }
  return undefined;
}

/** HEIC: top-level ISO base media file format boxes (ISO/IEC 14496-12 §4.2). */
function isoBoxesEnd(bytes: Buffer): number | undefined {
  let offset = 0;
  while (offset + 8 <= bytes.length) {
    let size = bytes.readUInt32BE(offset);
    if (size === 0) return bytes.length;
    if (size === 1) size = Number(bytes.readBigUInt64BE(offset + 8));
    if (size < 8) return undefined;
    offset += size;
  }
  return offset === bytes.length ? offset : undefined;
}
