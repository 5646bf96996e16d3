import { Readable } from "node:stream";
import * as fontkit from "fontkit";
import type { PDFDocument } from "pdf-lib";

type PdfLibFontkit = Parameters<PDFDocument["registerFontkit"]>[0];
type PdfLibFont = ReturnType<PdfLibFontkit["create"]>;

/**
 * The font engine pdf-lib embeds fonts with: the maintained `fontkit` instead of `@pdf-lib/fontkit`, pdf-lib's old
 * fork. The fork writes a subset's `loca` table in the short format without padding odd-length glyph records, so in
 * a subset of BIZ UDPGothic most glyphs after the first odd one point at the wrong bytes and print blank, while the
 * text layer (what pdftotext reads) stays right (foliojs/fontkit#191, fixed upstream in 1.8). pdf-lib reads the
 * subset through `encodeStream()`, which fontkit 2 replaced with `encode()`: that one method is adapted here.
 */
export const pdfFontkit: PdfLibFontkit = {
  create(buffer, postscriptName) {
    const font = fontkit.create(Buffer.from(buffer), postscriptName);
    if (!("createSubset" in font)) throw new Error("a font collection is not a single font: name the face to embed");
    const createSubset = font.createSubset.bind(font);
    return Object.assign(font, {
      createSubset: () => {
        const subset = createSubset();
        return Object.assign(subset, { encodeStream: () => Readable.from([subset.encode()]) });
      },
    }) as unknown as PdfLibFont;
  },
};
