import { randomUUID } from "node:crypto";
import { PDFDocument } from "pdf-lib";
import type { Principal } from "../../kernel/index.js";
import { outcome, type ComplianceCheck } from "../check.js";
import { recordSummary } from "../record-summary.js";
import { renderPdf } from "../render-pdf.js";
import { syntheticChart } from "./synthetic-chart.js";

/**
 * PHR-1: a patient downloads their own record in a standard, reusable format. Exercised on a synthetic record: the
 * real record policy lets a patient account read its own records and no one else's (what Patient/$everything and
 * the portal export return), the Bundle's resources pass the FHIR R4 validator records are stored through, and the
 * portal's readable copy (the same summary and PDF renderer as GET /api/portal/export.pdf) is laid out.
 */
export const patientExport: ComplianceCheck = {
  id: "phr.export",
  title: { ja: "患者による標準形式でのダウンロード", en: "Patient download in a standard format" },
  async run({ recordAuthorizer, clock }) {
    const chart = syntheticChart(5);
    const patientId = chart.entry.find((entry) => entry.resource.resourceType === "Patient")!.resource.id!;
    const observation = chart.entry.find((entry) => entry.resource.resourceType === "Observation")!.resource;
    const patient: Principal = { accountId: randomUUID(), roles: ["patient"], patientId, sessionId: "compliance-check", network: { ip: "127.0.0.1", userAgent: "mamori-compliance-check" } };
    const authorizer = recordAuthorizer(patient);
    const target = (ofPatient: string) => ({ type: "Observation", id: observation.id!, category: "clinical" as const, patientId: ofPatient, confidentiality: "N" as const });
    const own = await authorizer.preview("read", target(patientId));
    const other = await authorizer.preview("read", target(randomUUID()));
    const roundTrip = JSON.parse(JSON.stringify(chart)) as { resourceType?: string; entry?: unknown[] };
    const pdf = await renderPdf(recordSummary(chart, clock.now()), { withEnglish: false });
    const pages = (await PDFDocument.load(pdf)).getPageCount();
    const evidence = {
      format: "FHIR R4 searchset Bundle (application/fhir+json)",
      resourcesValidated: chart.total,
      ownRecordReadable: own.allowed,
      otherPatientReadable: other.allowed,
      readableCopyPages: pages,
    };
    if (!own.allowed) return outcome("not_met", `the record policy does not let a patient read their own record (${own.reasonCode})`, evidence);
    if (other.allowed) return outcome("not_met", "the record policy lets a patient read another patient's record", evidence);
    if (roundTrip.resourceType !== "Bundle" || roundTrip.entry?.length !== chart.total || pages < 1) return outcome("not_met", "the export did not produce a Bundle and a readable copy", evidence);
    return outcome("met", "a patient may download their own record, and only theirs, as a FHIR R4 Bundle and as a readable PDF", evidence);
  },
};
