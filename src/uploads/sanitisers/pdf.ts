import { PDFDict, PDFDocument, PDFName } from "pdf-lib";
import { Refusal } from "../refusal.js";

// Page entries kept: geometry, content and the resources it draws with (PDF 32000-1 Table 30). Everything else
// goes — Annots (links, widgets, file attachments), AA (page actions), Metadata, PieceInfo, B (beads), Thumb…
const keptPageKeys = new Set(["Type", "Parent", "MediaBox", "CropBox", "BleedBox", "TrimBox", "ArtBox", "Rotate", "Resources", "Contents", "Group", "UserUnit"]);

/** Names that mean active content or actions; none may remain in a reconstructed PDF (defence in depth). */
const activeMarker = /\/(JavaScript|JS|Launch|OpenAction|EmbeddedFiles?|URI|SubmitForm|ImportData|GoToR|GoToE|RichMedia|XFA|AA|AcroForm)(?=[\s/<>[\]()%{}]|$)/;

/**
 * Rebuilds a PDF from its pages alone: a fresh document receives copies of each page's geometry, content streams and
 * resources, so the catalog's OpenAction, AA, Names (JavaScript, EmbeddedFiles), AcroForm/XFA and the document
 * information are never carried over, and page annotations and actions are dropped before copying (so no copy of
 * them is written either). The result is written without object streams and scanned for action names.
 * @throws {Refusal} `uploads.encrypted_pdf`, `uploads.invalid_file`, `uploads.active_content`.
 */
export async function sanitisePdf(bytes: Buffer): Promise<{ bytes: Buffer; contentType: string; pages: number }> {
  let source: PDFDocument;
  try {
    // Loaded past encryption only to see the flag: pdf-lib cannot decrypt, and its error class fails instanceof.
    source = await PDFDocument.load(bytes, { ignoreEncryption: true, throwOnInvalidObject: true, updateMetadata: false });
  } catch {
    throw new Refusal("uploads.invalid_file", "pdf does not parse");
  }
  if (source.isEncrypted) throw new Refusal("uploads.encrypted_pdf");
  const count = source.getPageCount();
  if (count === 0) throw new Refusal("uploads.invalid_file", "pdf without pages");
  try {
    for (const page of source.getPages()) stripPage(page.node);
    const target = await PDFDocument.create({ updateMetadata: false });
    for (const page of await target.copyPages(source, source.getPageIndices())) target.addPage(page);
    // Without object streams every dictionary is written in clear, so the scan below sees all of them.
    const output = Buffer.from(await target.save({ useObjectStreams: false }));
    const marker = activeMarker.exec(output.toString("latin1"));
    if (marker) throw new Refusal("uploads.active_content", `pdf still names ${marker[0]}`);
    return { bytes: output, contentType: "application/pdf", pages: count };
  } catch (error) {
    if (error instanceof Refusal) throw error;
    throw new Refusal("uploads.invalid_file", "pdf cannot be rebuilt");
  }
}

function stripPage(node: PDFDict): void {
  for (const key of node.keys()) {
    if (!keptPageKeys.has(key.decodeText())) node.delete(key);
  }
  node.delete(PDFName.of("Annots"));
}
