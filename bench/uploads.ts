/**
 * File sanitising throughput (ファイル無害化), each beside its baseline measured in the same run:
 *   images  photo-like JPEG (2 MP, with EXIF/GPS) and PNG re-encoded by sharp in the worker pool; a small HEIC
 *           (64×48 fixture) decoded by libheif-js (wasm) and encoded to JPEG by sharp
 *   pdf     10-page PDFs rebuilt by pdf-lib in the worker pool
 *   baseline  a plain buffer copy of the same bytes (what storing without sanitising would cost)
 * Figures are files/s and MB/s of input. Run: npm run bench (BENCH_UPLOAD_FILES, default 40 per kind).
 */
import os from "node:os";
import sharp from "sharp";
import { createSanitiserPool } from "../src/uploads/index.js";
import { uploadCorpus } from "../src/testing/index.js";

const files = Number(process.env["BENCH_UPLOAD_FILES"] ?? 40);
const workers = Math.min(2, os.availableParallelism());
const pool = createSanitiserPool({ size: workers, timeoutMs: 60_000, limits: { maxBytes: 20 * 1024 * 1024, maxPixels: 50_000_000 } });

// Noise makes the JPEG compress like a photograph rather than a flat colour.
const noise = Buffer.alloc(1600 * 1200 * 3);
for (let i = 0; i < noise.length; i += 1) noise[i] = (i * 2_654_435_761) >>> 24;
const jpeg = await sharp(noise, { raw: { width: 1600, height: 1200, channels: 3 } }).withExif({ IFD3: { GPSLatitudeRef: "N", GPSLatitude: "35/1 41/1 0/1" } }).jpeg({ quality: 85 }).toBuffer();
const png = await sharp(noise.subarray(0, 800 * 600 * 3), { raw: { width: 800, height: 600, channels: 3 } }).png().toBuffer();
const pdf = await uploadCorpus.pdf(10);

async function measure(name: string, bytes: Buffer, contentType: string): Promise<void> {
  // Warm-up: the workers load their code before the clock starts.
  await Promise.all(Array.from({ length: workers }, () => pool.run(bytes, contentType)));
  let started = performance.now();
  const outcomes = await Promise.all(Array.from({ length: files }, () => pool.run(bytes, contentType)));
  const seconds = (performance.now() - started) / 1000;
  if (outcomes.some((outcome) => !outcome.ok)) throw new Error(`${name}: a benign file was refused`);
  started = performance.now();
  let copies = 0;
  for (let i = 0; i < files * 20; i += 1) copies += Buffer.from(bytes).length > 0 ? 1 : 0;
  const copySeconds = (performance.now() - started) / 1000;
  const mb = (bytes.length * files) / 1e6;
  const copyRate = copies / copySeconds;
  console.log(
    `${name.padEnd(16)} ${(bytes.length / 1024).toFixed(0).padStart(6)} KiB  ${(files / seconds).toFixed(1).padStart(7)} files/s  ${(mb / seconds).toFixed(1).padStart(7)} MB/s` +
      `   copy baseline ${copyRate.toFixed(0)} files/s, ${((copyRate * bytes.length) / 1e6).toFixed(0)} MB/s  (sanitising ${(copyRate / (files / seconds)).toFixed(0)}× slower)`,
  );
}

console.log(`uploads: sanitising throughput, ${files} files per kind, ${workers} worker thread(s)`);
await measure("JPEG 1600×1200", jpeg, "image/jpeg");
await measure("PNG 800×600", png, "image/png");
await measure("HEIC 64×48", uploadCorpus.heicWithGps(), "image/heic");
await measure("PDF 10 pages", pdf, "application/pdf");
await pool.close();
