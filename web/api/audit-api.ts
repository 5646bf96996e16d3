import type { AuditFilterQuery, AuditSearchQuery, AuditSearchResponse } from "../../shared/api/index.js";
import { request, requestBlob } from "./http.js";
import { withStepUp } from "./step-up.js";

/** One page of the audit trail; the server authorizes (security officer, administrator) and audits the search. */
export function searchAudit(query: AuditSearchQuery): Promise<AuditSearchResponse> {
  return request<AuditSearchResponse>(`/api/audit/entries${queryString(query)}`);
}

/** The CSV export of every entry matching the filter, for a plain download link (the session cookie authenticates it). */
export function auditCsvUrl(filter: AuditFilterQuery): string {
  return `/api/audit/entries.csv${queryString(filter)}`;
}

/**
 * Downloads the CSV export. Exporting is privileged: with a stale second factor the server refuses, the user
 * re-verifies in a dialog, and the download is retried.
 */
export async function downloadAuditCsv(filter: AuditFilterQuery, fileName: string): Promise<void> {
  const blob = await withStepUp(() => requestBlob(auditCsvUrl(filter)));
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.click();
  // Give the browser time to start the download before the object URL goes away.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Conditions as a query string, leaving out the empty ones. Ids and codes only: no names reach a URL. */
function queryString(query: AuditSearchQuery): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== "") params.append(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}
