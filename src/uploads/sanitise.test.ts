import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PDFDocument } from "pdf-lib";
import sharp from "sharp";
import { uploadCorpus } from "../testing/index.js";
import { eicarTestString } from "./eicar.js";
import { sanitise, type SanitiseOutcome } from "./sanitise.js";

const limits = { maxBytes: 20 * 1024 * 1024, maxPixels: 50_000_000 };
const pdfMarkers = ["/JavaScript", "/JS", "/Launch", "/OpenAction", "/EmbeddedFile", "/URI", "/SubmitForm", "/XFA", "/AA", "/AcroForm", "/Annots"];

function accepted(outcome: SanitiseOutcome): Buffer {
  assert.ok(outcome.ok, `refused: ${outcome.ok ? "" : `${outcome.code} ${outcome.detail ?? ""}`}`);
  return Buffer.from(outcome.bytes);
}

function refusedWith(outcome: SanitiseOutcome, code: string): void {
  assert.equal(outcome.ok, false, "accepted a file that must be refused");
  if (!outcome.ok) assert.equal(outcome.code, code, outcome.detail ?? code);
}

// MAL-1 (PHR guideline: uploaded files must not carry malicious content): content disarm and reconstruction.
describe("sanitise (images)", () => {
  it("re-encodes a GPS-tagged JPEG with no EXIF, XMP or ICC profile left, and it still decodes", async () => {
    const input = await uploadCorpus.jpegWithGps();
    const before = await sharp(input).metadata();
    assert.ok(before.exif && before.icc && before.xmp, "the test file carries EXIF, ICC and XMP");
    const output = accepted(await sanitise(input, "image/jpeg", limits));
    const after = await sharp(output).metadata();
    assert.equal(after.format, "jpeg");
    assert.equal(after.exif, undefined);
    assert.equal(after.xmp, undefined);
    assert.equal(after.icc, undefined);
    assert.equal(after.iptc, undefined);
    assert.equal(after.width, 64);
    assert.ok(!output.includes("secret author") && !output.includes("mamori test"));
  });

  it("keeps PNG and WebP in their format without metadata", async () => {
    const png = accepted(await sanitise(await uploadCorpus.png(), "image/png", limits));
    assert.equal((await sharp(png).metadata()).format, "png");
    const webp = accepted(await sanitise(await uploadCorpus.webp(), "image/webp", limits));
    const meta = await sharp(webp).metadata();
    assert.equal(meta.format, "webp");
    assert.equal(meta.exif, undefined);
  });

  it("refuses a pixel bomb from its header, quickly", async () => {
    const started = Date.now();
    refusedWith(await sanitise(uploadCorpus.pngBomb(), "image/png", limits), "uploads.pixel_limit");
    assert.ok(Date.now() - started < 2000);
  });

  it("converts a GPS-tagged HEIC (HEVC) to a metadata-free JPEG of the same size and colours", async () => {
    const input = uploadCorpus.heicWithGps();
    assert.ok(input.includes("mamori test"), "the test file carries EXIF");
    const outcome = await sanitise(input, "image/heic", limits);
    const output = accepted(outcome);
    assert.equal(outcome.ok && outcome.contentType, "image/jpeg");
    const after = await sharp(output).metadata();
    assert.equal(after.format, "jpeg");
    assert.equal(after.width, 64);
    assert.equal(after.height, 48);
    assert.equal(after.exif, undefined);
    assert.equal(after.xmp, undefined);
    assert.equal(after.icc, undefined);
    assert.ok(!output.includes("mamori test"));
    const { data } = await sharp(output).raw().toBuffer({ resolveWithObject: true });
    assert.ok(data[0]! > 180 && data[1]! < 80 && data[2]! < 80, "top-left square is red");
  });

  it("refuses a HEIC pixel bomb from its header, quickly", async () => {
    const started = Date.now();
    refusedWith(await sanitise(uploadCorpus.heicBomb(), "image/heic", limits), "uploads.pixel_limit");
    assert.ok(Date.now() - started < 2000);
  });

  it("refuses an undecodable HEIC and a HEIF image sequence", async () => {
    refusedWith(await sanitise(uploadCorpus.heic(), "image/heic", limits), "uploads.heic_unsupported");
    const sequence = Buffer.from(uploadCorpus.heicWithGps());
    sequence.write("msf1", 16, "latin1"); // a compatible brand in ftyp
    refusedWith(await sanitise(sequence, "image/heic", limits), "uploads.unsupported_type");
  });

  it("refuses JPEG+ZIP and JPEG+PDF polyglots", async () => {
    const jpeg = await uploadCorpus.jpegWithGps();
    refusedWith(await sanitise(Buffer.concat([jpeg, uploadCorpus.zip()]), "image/jpeg", limits), "uploads.polyglot");
    refusedWith(await sanitise(Buffer.concat([jpeg, await uploadCorpus.pdf(1)]), "image/jpeg", limits), "uploads.polyglot");
    refusedWith(await sanitise(Buffer.concat([await uploadCorpus.png(), Buffer.from("<script>alert(1)</script>")]), "image/png", limits), "uploads.polyglot");
  });
});

describe("sanitise (PDF)", () => {
  for (const kind of ["javascript-open-action", "launch", "embedded-file", "uri-link", "acroform", "names-javascript"] as const) {
    it(`rebuilds a PDF with ${kind} so that no action, annotation or embedded file survives`, async () => {
      const input = await uploadCorpus.hostilePdf(kind);
      assert.ok(pdfMarkers.some((marker) => input.includes(marker)), "the test file is hostile");
      const output = accepted(await sanitise(input, "application/pdf", limits));
      for (const marker of pdfMarkers) assert.ok(!output.includes(marker), `${marker} survived`);
      assert.ok(!output.includes("evil"));
      assert.equal((await PDFDocument.load(output)).getPageCount(), 1);
    });
  }

  it("keeps every page of a benign PDF and drops its document information", async () => {
    const output = accepted(await sanitise(await uploadCorpus.pdf(3), "application/pdf", limits));
    assert.equal((await PDFDocument.load(output)).getPageCount(), 3);
    assert.ok(!output.includes("secret author"));
  });

  it("refuses encrypted and unparsable PDFs", async () => {
    refusedWith(await sanitise(await uploadCorpus.encryptedPdf(), "application/pdf", limits), "uploads.encrypted_pdf");
    refusedWith(await sanitise(Buffer.from("%PDF-1.7\n this is not a pdf at all"), "application/pdf", limits), "uploads.invalid_file");
  });
});

describe("sanitise (text and everything else)", () => {
  it("accepts UTF-8 text and CSV as they are", async () => {
    const csv = Buffer.from("日付,検査,値\r\n2026-01-01,HbA1c,6.1\r\n");
    assert.deepEqual(accepted(await sanitise(csv, "text/csv", limits)), csv);
  });

  it("refuses text with HTML or script, invalid UTF-8, NUL or control characters", async () => {
    refusedWith(await sanitise(Buffer.from("hello <script>alert(1)</script>"), "text/plain", limits), "uploads.active_content");
    refusedWith(await sanitise(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), "text/plain", limits), "uploads.active_content");
    refusedWith(await sanitise(Buffer.from([0x68, 0xff, 0xfe, 0x69]), "text/plain", limits), "uploads.invalid_text");
    refusedWith(await sanitise(Buffer.from("a\u0000b"), "text/plain", limits), "uploads.invalid_text");
    refusedWith(await sanitise(Buffer.from("a\u001bb"), "text/plain", limits), "uploads.invalid_text");
    refusedWith(await sanitise(Buffer.from("abc\u202edcba"), "text/plain", limits), "uploads.invalid_text");
  });

  it("refuses zip, executables and content that is not what was declared", async () => {
    refusedWith(await sanitise(uploadCorpus.zip(), "application/pdf", limits), "uploads.unsupported_type");
    refusedWith(await sanitise(uploadCorpus.exe(), "text/plain", limits), "uploads.unsupported_type");
    refusedWith(await sanitise(await uploadCorpus.png(), "image/jpeg", limits), "uploads.type_mismatch");
    refusedWith(await sanitise(await uploadCorpus.pdf(1), "text/plain", limits), "uploads.type_mismatch");
    refusedWith(await sanitise(Buffer.from("just text"), "image/png", limits), "uploads.type_mismatch");
    refusedWith(await sanitise(Buffer.from("x"), "image/svg+xml", limits), "uploads.unsupported_type");
  });

  it("refuses a file over the size limit", async () => {
    refusedWith(await sanitise(Buffer.alloc(11, 0x61), "text/plain", { ...limits, maxBytes: 10 }), "uploads.too_large");
  });

  it("leaves EICAR to the scan step (the text itself is harmless to the sanitiser)", async () => {
    assert.equal((await sanitise(Buffer.from(eicarTestString()), "text/plain", limits)).ok, true);
  });
});
