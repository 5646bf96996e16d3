import sharp from "sharp";
import { Refusal } from "../refusal.js";
import { sanitiseHeic } from "./heic.js";

export type ImageKind = "jpeg" | "png" | "webp" | "heic";

/**
 * Decodes and re-encodes an image with sharp (libvips) so nothing but pixels survives: EXIF (GPS included), XMP,
 * IPTC and comments are dropped, colours are converted to sRGB and no ICC profile is embedded, and data outside
 * the image structure is left behind. HEIC becomes JPEG (decoded by libheif-js, see ./heic.ts). The pixel limit
 * is checked from the header before decoding (decompression bombs).
 * @throws {Refusal} `uploads.pixel_limit`, `uploads.heic_unsupported`, `uploads.invalid_file`.
 */
export async function sanitiseImage(bytes: Buffer, kind: ImageKind, maxPixels: number): Promise<{ bytes: Buffer; contentType: string }> {
  if (kind === "heic") return sanitiseHeic(bytes, maxPixels);
  const options = { limitInputPixels: maxPixels, failOn: "error", sequentialRead: true, pages: 1 } as const;
  let width: number;
  let height: number;
  try {
    ({ width, height } = await sharp(bytes, options).metadata());
  } catch (error) {
    throw refusalFor(error, kind);
  }
  if (!width || !height) throw new Refusal("uploads.invalid_file", "no dimensions");
  if (width * height > maxPixels) throw new Refusal("uploads.pixel_limit", `${width}x${height}`);
  try {
    // Orientation lives in EXIF, which is about to go: apply it to the pixels first.
    const pipeline = sharp(bytes, options).autoOrient().toColourspace("srgb");
    if (kind === "png") return { bytes: await pipeline.png().toBuffer(), contentType: "image/png" };
    if (kind === "webp") return { bytes: await pipeline.webp({ quality: 90 }).toBuffer(), contentType: "image/webp" };
    return { bytes: await pipeline.jpeg({ quality: 90 }).toBuffer(), contentType: "image/jpeg" };
  } catch (error) {
    throw refusalFor(error, kind);
  }
}

function refusalFor(error: unknown, kind: ImageKind): Refusal {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) return new Refusal("uploads.pixel_limit");
  return new Refusal("uploads.invalid_file", kind);
}
