import { createRequire } from "node:module";
import sharp from "sharp";
import { Refusal } from "../refusal.js";

/** The parts of libheif-js (libheif + libde265 compiled to WebAssembly) this module uses. */
interface HeifImage {
  get_width(): number;
  get_height(): number;
  is_primary(): boolean;
  display(target: { data: Uint8ClampedArray; width: number; height: number }, done: (result: { data: Uint8ClampedArray } | null) => void): void;
  free(): void;
}
interface HeifDecoder {
  decoder: unknown;
  decode(bytes: Uint8Array): HeifImage[];
}
interface LibHeif {
  HeifDecoder: new () => HeifDecoder;
  heif_context_free(context: unknown): void;
}

let libheif: LibHeif | undefined;
/** Loaded on the first HEIC only: the wasm-bundle variant carries the .wasm inside the .js (nothing read or fetched at run time). */
function loadLibheif(): LibHeif {
  libheif ??= createRequire(import.meta.url)("libheif-js/wasm-bundle") as LibHeif;
  return libheif;
}

/** libheif-js reports parse failures with console.log; the refusal says it instead, so keep stdout (pino's) clean. */
function quietly<T>(run: () => T): T {
  const log = console.log;
  console.log = () => {};
  try {
    return run();
  } finally {
    console.log = log;
  }
}

/** ftyp brands of image sequences (ISO/IEC 23008-12 §10.3): animated/burst HEIF, which we do not accept. */
const sequenceBrands = new Set(["msf1", "hevc", "hevx", "avis"]);

/** The major and compatible brands of the leading ftyp box (ISO/IEC 14496-12 §4.3). */
function ftypBrands(bytes: Buffer): string[] {
  if (bytes.length < 16 || bytes.toString("latin1", 4, 8) !== "ftyp") return [];
  const size = Math.min(bytes.readUInt32BE(0), bytes.length);
  const brands = [bytes.toString("latin1", 8, 12)];
  for (let offset = 16; offset + 4 <= size; offset += 4) brands.push(bytes.toString("latin1", offset, offset + 4));
  return brands;
}

/**
 * HEIC/HEIF → JPEG. sharp's prebuilt libvips has no HEVC decoder, so libheif-js decodes the primary image (or the
 * first top-level image of a collection) to RGBA; the pixel limit is checked from the header (ispe) before any
 * pixel buffer exists. sharp then encodes a JPEG from the raw pixels, so nothing of the HEIF (EXIF, GPS, XMP,
 * ICC, depth maps, thumbnails, other images) can reach the output.
 * @throws {Refusal} `uploads.unsupported_type` for image sequences, `uploads.pixel_limit`,
 *   `uploads.heic_unsupported` when libheif cannot decode the file (e.g. an unsupported codec), `uploads.invalid_file`.
 */
export async function sanitiseHeic(bytes: Buffer, maxPixels: number): Promise<{ bytes: Buffer; contentType: string }> {
  if (ftypBrands(bytes).some((brand) => sequenceBrands.has(brand))) throw new Refusal("uploads.unsupported_type", "image/heif-sequence");
  const lib = loadLibheif();
  const decoder = new lib.HeifDecoder();
  let images: HeifImage[] = [];
  try {
    images = quietly(() => decoder.decode(bytes));
    const image = images.find((candidate) => candidate.is_primary()) ?? images[0];
    if (!image) throw new Refusal("uploads.heic_unsupported");
    const width = image.get_width();
    const height = image.get_height();
    if (!width || !height) throw new Refusal("uploads.invalid_file", "no dimensions");
    if (width * height > maxPixels) throw new Refusal("uploads.pixel_limit", `${width}x${height}`);
    const rgba = await new Promise<Uint8ClampedArray | null>((resolve) => {
      image.display({ data: new Uint8ClampedArray(width * height * 4), width, height }, (result) => resolve(result?.data ?? null));
    });
    if (!rgba) throw new Refusal("uploads.heic_unsupported");
    const raw = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
    const jpeg = await sharp(raw, { raw: { width, height, channels: 4 }, limitInputPixels: maxPixels })
      .flatten({ background: "#ffffff" })
      .toColourspace("srgb")
      .jpeg({ quality: 90 })
      .toBuffer();
    return { bytes: jpeg, contentType: "image/jpeg" };
  } catch (error) {
    if (error instanceof Refusal) throw error;
    throw new Refusal("uploads.invalid_file", "heic");
  } finally {
    for (const image of images) image.free();
    if (decoder.decoder) lib.heif_context_free(decoder.decoder);
  }
}
