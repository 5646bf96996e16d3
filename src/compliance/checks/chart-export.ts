import { PDFDocument } from "pdf-lib";
import { outcome, type ComplianceCheck } from "../check.js";
import { recordSummary } from "../record-summary.js";
import { renderPdf } from "../render-pdf.js";
import { syntheticChart } from "./synthetic-chart.js";

/** A long outpatient chart: a visit with this many results. */
const resultsInChart = 200;
/** "Promptly" (MHLW 見読性): the whole chart exported and laid out for print within this time. */
const printLimitMs = 10_000;

/**
 * TRU-2: a record can be displayed and printed promptly, for an inspection too. Exercised on a synthetic chart of
 * 200 results: exported as Patient/$everything returns it (a FHIR R4 searchset Bundle whose resources pass the
 * validator), and laid out as a printable PDF by the product's record summary and PDF renderer, timed.
 */
export const chartExport: ComplianceCheck = {
  id: "fhir.chart_export",
  title: { ja: "カルテの出力・印刷", en: "Chart export and print" },
  async run({ clock }) {
    const started = performance.now();
    const chart = syntheticChart(resultsInChart);
    const pdf = await renderPdf(recordSummary(chart, clock.now()), { withEnglish: false });
    const pages = (await PDFDocument.load(pdf)).getPageCount();
    const durationMs = Math.round(performance.now() - started);
    const evidence = { resources: chart.total, pages, pdfBytes: pdf.length, durationMs, limitMs: printLimitMs };
    if (pages < 1) return outcome("not_met", "the chart was exported but no printable page was laid out", evidence);
    if (durationMs > printLimitMs) return outcome("not_met", "exporting and laying out a long chart for print took longer than the limit", evidence);
    return outcome("met", "a chart of 200 results is exported as a FHIR R4 Bundle and laid out for print within the limit", evidence);
  },
};
