import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { PDFDocument, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import type { ReportDocument } from "./document.js";
import { pdfFontkit } from "./pdf-fontkit.js";

const require = createRequire(import.meta.url);
// BIZ UDPGothic (SIL Open Font License 1.1), a universal-design Japanese Gothic shipped as TTF in this package.
const fontFiles = {
  regular: "@expo-google-fonts/biz-udpgothic/400Regular/BIZUDPGothic_400Regular.ttf",
  bold: "@expo-google-fonts/biz-udpgothic/700Bold/BIZUDPGothic_700Bold.ttf",
};

let fontBytes: Promise<{ regular: Buffer; bold: Buffer }> | undefined;
const loadFonts = () =>
  (fontBytes ??= Promise.all([readFile(require.resolve(fontFiles.regular)), readFile(require.resolve(fontFiles.bold))]).then(([regular, bold]) => ({ regular, bold })));

const page = { width: 595.28, height: 841.89, margin: 48 }; // A4 in points
const toneColours = { met: rgb(0.1, 0.5, 0.2), partial: rgb(0.6, 0.45, 0), not_met: rgb(0.75, 0.1, 0.1), unknown: rgb(0.35, 0.35, 0.5), user: rgb(0.15, 0.3, 0.7) };

/**
 * Renders a report document to an A4 PDF with the Japanese font embedded as a subset (only the glyphs used).
 * `wholeFonts` embeds the complete fonts instead (about 4 MB more): the reference a subset must print the same as.
 */
export async function renderPdf(document: ReportDocument, options: { withEnglish?: boolean; wholeFonts?: boolean } = {}): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(pdfFontkit);
  const fonts = await loadFonts();
  const subset = options.wholeFonts !== true;
  const regular = await pdf.embedFont(fonts.regular, { subset });
  const bold = await pdf.embedFont(fonts.bold, { subset });
  pdf.setTitle(document.title);
  pdf.setLanguage("ja-JP");
  pdf.setProducer("Mamori");

  let current: PDFPage = pdf.addPage([page.width, page.height]);
  let y = page.height - page.margin;
  const width = page.width - 2 * page.margin;

  const write = (text: string, font: PDFFont, size: number, indent = 0, colour = rgb(0.1, 0.1, 0.1)) => {
    for (const line of wrap(text, font, size, width - indent)) {
      if (y - size < page.margin) {
        current = pdf.addPage([page.width, page.height]);
        y = page.height - page.margin;
      }
      current.drawText(line, { x: page.margin + indent, y: y - size, size, font, color: colour });
      y -= size * 1.45;
    }
  };
  const gap = (points: number) => (y -= points);

  write(document.title, bold, 18);
  if (document.titleEn && options.withEnglish !== false) write(document.titleEn, regular, 10);
  gap(6);
  for (const line of document.preface) write(`${line.label}: ${line.value}`, regular, 9);
  for (const section of document.sections) {
    gap(10);
    write(section.heading, bold, 14);
    if (section.headingEn && options.withEnglish !== false) write(section.headingEn, regular, 9);
    for (const item of section.items) {
      gap(4);
      write(`${item.title}${item.status ? `  [${item.status.label}]` : ""}`, bold, 10.5, 0, item.status ? toneColours[item.status.tone] : undefined);
      for (const field of item.fields) {
        if (field.en && options.withEnglish === false) continue;
        write(`${field.label}: ${field.value}`, regular, 8.5, 10);
      }
    }
  }
  return pdf.save();
}

/** Greedy line breaking by width; Japanese breaks between any characters, Latin prefers spaces. */
function wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.replace(/\t/g, " ").split("\n")) {
    let line = "";
    for (const char of paragraph) {
      const candidate = line + char;
      if (font.widthOfTextAtSize(candidate, size) <= maxWidth) {
        line = candidate;
        continue;
      }
      const space = line.lastIndexOf(" ");
      if (/[\x21-\x7e]/.test(char) && space > line.length / 2) {
        lines.push(line.slice(0, space));
        line = line.slice(space + 1) + char;
      } else {
        lines.push(line);
        line = char;
      }
    }
    lines.push(line);
  }
  return lines;
}
