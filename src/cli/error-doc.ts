import { errorCatalogue } from "../kernel/index.js";

/** Markdown table of every error code, generated from the catalogue. */
export function renderErrorCatalogueDoc(): string {
  const rows = Object.entries(errorCatalogue).map(([code, text]) => `| \`${code}\` | ${text.status} | ${text.issue} | ${text.ja} | ${text.en} |`);
  return [
    "# Errors",
    "",
    "Generated from `src/kernel/error-catalogue.ts` by `npm run docs`; do not edit by hand.",
    "FHIR requests receive these as OperationOutcome (`issue.details.coding.code` is the code); other API requests as `{ code, message }`.",
    "",
    "| code | HTTP | FHIR issue type | 日本語 | English |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}
