import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { inflateSync } from "node:zlib";
import * as fontkit from "fontkit";
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFStream } from "pdf-lib";

const run = promisify(execFile);

/** One page as poppler prints it: 8-bit grey pixels, 0 black, 255 white. */
export interface RenderedPage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/**
 * Renders every page of a PDF with poppler (`pdftoppm`, what most Linux viewers and print filters use) to grey
 * pixels, so a test checks what a reader sees rather than the text layer that pdftotext reads.
 */
export async function renderPdfPages(pdf: Uint8Array, dpi = 50): Promise<RenderedPage[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "mamori-pdf-pages-"));
  try {
    await writeFile(path.join(dir, "document.pdf"), pdf);
    await run("pdftoppm", ["-gray", "-r", String(dpi), path.join(dir, "document.pdf"), path.join(dir, "page")]);
    const files = (await readdir(dir)).filter((name) => name.endsWith(".pgm")).sort();
    return Promise.all(files.map(async (name) => parsePgm(await readFile(path.join(dir, name)))));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Binary PGM (P5, maxval 255), as pdftoppm -gray writes it. */
function parsePgm(bytes: Buffer): RenderedPage {
  const header: string[] = [];
  let offset = 0;
  while (header.length < 4) {
    while (/\s/.test(String.fromCharCode(bytes[offset]!))) offset++;
    let token = "";
    while (!/\s/.test(String.fromCharCode(bytes[offset]!))) token += String.fromCharCode(bytes[offset++]!);
    header.push(token);
  }
  const [magic, width, height, maxval] = header;
  if (magic !== "P5" || maxval !== "255") throw new Error(`not an 8-bit binary PGM: ${magic} ${maxval}`);
  return { width: Number(width), height: Number(height), pixels: bytes.subarray(offset + 1, offset + 1 + Number(width) * Number(height)) };
}

/** Share of a page's pixels that carry ink (darker than mid-grey). */
export function inkShare(page: RenderedPage): number {
  let ink = 0;
  for (const pixel of page.pixels) if (pixel < 128) ink++;
  return ink / page.pixels.length;
}

/** Share of pixels where two renderings of the same size differ visibly (by more than a quarter of the grey scale). */
export function differingShare(a: RenderedPage, b: RenderedPage): number {
  if (a.width !== b.width || a.height !== b.height) return 1;
  let differing = 0;
  for (let i = 0; i < a.pixels.length; i++) if (Math.abs(a.pixels[i]! - b.pixels[i]!) > 64) differing++;
  return differing / a.pixels.length;
}

/**
 * The characters of the document whose glyph in the embedded TrueType font has no outline, so they print blank even
 * though pdftotext reads them (it reads the ToUnicode map, not the glyphs). A broken subset, with `loca` offsets
 * pointing at the wrong bytes, shows up here. Each Type0 font's ToUnicode map names the character of every glyph id
 * the text uses (pdf-lib writes Identity-H, so the code is the glyph id); white space needs no outline.
 */
export async function charactersWithoutOutline(pdf: Uint8Array): Promise<string[]> {
  const document = await PDFDocument.load(pdf);
  const blank: string[] = [];
  for (const [, object] of document.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of("Subtype"))?.toString() !== "/Type0") continue;
    const toUnicode = object.lookup(PDFName.of("ToUnicode"), PDFStream);
    const descendant = object.lookup(PDFName.of("DescendantFonts"), PDFArray).lookup(0, PDFDict);
    const program = descendant.lookup(PDFName.of("FontDescriptor"), PDFDict).lookup(PDFName.of("FontFile2"), PDFStream);
    const font = fontkit.create(streamBytes(program));
    if (!("getGlyph" in font)) throw new Error("an embedded font is a collection, not one font");
    for (const [glyphId, text] of toUnicodeEntries(streamBytes(toUnicode).toString("latin1"))) {
      if (!/^\s+$/u.test(text) && !hasOutline(font, glyphId)) blank.push(text);
    }
  }
  return blank;
}

/** A glyph record that cannot even be decoded (offsets into the middle of another glyph) prints nothing either. */
function hasOutline(font: fontkit.Font, glyphId: number): boolean {
  try {
    return font.getGlyph(glyphId).path.commands.length > 0;
  } catch {
    return false;
  }
}

function streamBytes(stream: PDFStream): Buffer {
  if (!(stream instanceof PDFRawStream)) throw new Error("pdf-lib wrote a stream that is not raw bytes");
  const filter = stream.dict.get(PDFName.of("Filter"))?.toString();
  return filter === "/FlateDecode" ? inflateSync(stream.contents) : Buffer.from(stream.contents);
}

/** The `<glyph id> <UTF-16BE>` pairs of a ToUnicode CMap's bfchar sections. */
function toUnicodeEntries(cmap: string): [number, string][] {
  const sections = [...cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)].map(([, body]) => body!).join("\n");
  return [...sections.matchAll(/<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>/g)].map(([, id, utf16]) => [parseInt(id!, 16), Buffer.from(utf16!, "hex").swap16().toString("utf16le")]);
}
