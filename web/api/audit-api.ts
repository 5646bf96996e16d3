import type { AuditFilterQuery, AuditSearchQuery, AuditSearchResponse } from "../../shared/api/index.js";
import { request } from "./http.js";

/** One page of the audit trail; the server authorizes (security officer, administrator) and audits the search. */
export function searchAudit(query: AuditSearchQuery): Promise<AuditSearchResponse> {
  return request<AuditSearchResponse>(`/api/audit/entries${queryString(query)}`);
}

/** The CSV export of every entry matching the filter, for a plain download link (the session cookie authenticates it). */
export function auditCsvUrl(filter: AuditFilterQuery): string {
  return `/api/audit/entries.csv${queryString(filter)}`;
}

/** Conditions as a query string, leaving out the empty ones. Ids and codes only: no names reach a URL. */
function queryString(query: AuditSearchQuery): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== "") params.append(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}
