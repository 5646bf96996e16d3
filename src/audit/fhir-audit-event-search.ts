import { AppError } from "../kernel/index.js";
import type { AuditOutcome } from "./entry.js";
import { accountSystem } from "./fhir-audit-event.js";
import { defaultPageSize, maxPageSize, type AuditFilter } from "./query.js";

/** The AuditEvent search parameters this server supports, for the CapabilityStatement and the search itself. */
export const auditEventSearchParams = [
  { name: "patient", type: "reference", documentation: "Patient/{id} or the bare id: entries about that patient." },
  { name: "agent", type: "reference", documentation: `The acting account's id (agent.who.identifier.value, system ${accountSystem}).` },
  { name: "action", type: "token", documentation: "A Mamori action code such as fhir.read, or a prefix ending in a dot such as fhir. (not the C/R/U/D/E code)." },
  { name: "outcome", type: "token", documentation: "0 (success), 4 (denied) or 8 (failure)." },
  { name: "date", type: "date", documentation: "When recorded; prefixes eq, ge, gt, le, lt; repeat for a range. A value without a time zone is Japan time (+09:00)." },
] as const;

/** The query string of an AuditEvent search, as the HTTP layer received it. */
export interface AuditEventSearchParams {
  patient?: string | undefined;
  agent?: string | undefined;
  action?: string | undefined;
  outcome?: string | undefined;
  date?: string | string[] | undefined;
  _count?: string | undefined;
  /** Our paging cursor, carried in the `next` link. */
  _before?: string | undefined;
}

const fhirId = /^[A-Za-z0-9\-.]{1,64}$/;
const outcomes: Record<string, AuditOutcome> = { "0": "success", "4": "denied", "8": "failure", success: "success", denied: "denied", failure: "failure" };
// Mamori serves Japanese medical institutions and Japan has no daylight saving: a zone-less date means JST.
const japanOffsetMinutes = 9 * 60;

/**
 * Turns AuditEvent search parameters (FHIR R4 search.html) into an audit filter. `_count` above 500 is lowered to
 * 500, as FHIR allows a server to return fewer than asked.
 * @throws {AppError} `audit.invalid_filter` naming the parameter it cannot read.
 */
export function auditFilterFromFhirSearch(params: AuditEventSearchParams): AuditFilter {
  const invalid = (name: string) => new AppError("audit.invalid_filter", { expression: [name] });
  const filter: AuditFilter = {};
  if (params.patient !== undefined) {
    const id = params.patient.replace(/^.*\bPatient\//, "");
    if (!fhirId.test(id)) throw invalid("patient");
    filter.patientId = id;
  }
  if (params.agent !== undefined) {
    const id = params.agent.replace(`${accountSystem}|`, "");
    if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) throw invalid("agent");
    filter.accountId = id;
  }
  if (params.action !== undefined) {
    if (!/^[a-z_][a-z_.]*\*?$/.test(params.action) || params.action.length > 64) throw invalid("action");
    filter.action = params.action;
  }
  if (params.outcome !== undefined) {
    filter.outcome = outcomes[params.outcome];
    if (!filter.outcome) throw invalid("outcome");
  }
  for (const value of [params.date ?? []].flat()) {
    const bounds = dateBounds(value);
    if (!bounds) throw invalid("date");
    if (bounds.from && (!filter.from || bounds.from > filter.from)) filter.from = bounds.from;
    if (bounds.to && (!filter.to || bounds.to < filter.to)) filter.to = bounds.to;
  }
  if (params._count !== undefined) {
    const count = Number(params._count);
    if (!/^\d{1,6}$/.test(params._count) || count < 1) throw invalid("_count");
    filter.limit = Math.min(count, maxPageSize);
  } else {
    filter.limit = defaultPageSize;
  }
  if (params._before !== undefined) {
    if (!/^[1-9]\d{0,15}$/.test(params._before)) throw invalid("_before");
    filter.before = Number(params._before);
  }
  return filter;
}

/** The Bundle's `self` and `next` links: the same parameters, the next one with the cursor (FHIR R4 http.html#paging). */
export function auditEventSearchLinks(endpoint: string, params: AuditEventSearchParams, nextCursor: number | undefined) {
  const query = new URLSearchParams();
  for (const name of ["patient", "agent", "action", "outcome"] as const) if (params[name] !== undefined) query.append(name, params[name]);
  for (const value of [params.date ?? []].flat()) query.append("date", value);
  if (params._count !== undefined) query.append("_count", params._count);
  const self = new URLSearchParams(query);
  if (params._before !== undefined) self.append("_before", params._before);
  const link = [{ relation: "self", url: urlWith(endpoint, self) }];
  if (nextCursor !== undefined) {
    query.append("_before", String(nextCursor));
    link.push({ relation: "next", url: urlWith(endpoint, query) });
  }
  return link;
}

function urlWith(endpoint: string, query: URLSearchParams): string {
  const text = query.toString();
  return text ? `${endpoint}?${text}` : endpoint;
}

/**
 * A `date` parameter as bounds on the time recorded: the value stands for the whole interval of its precision
 * (2026 = the year, 2026-04-01 = the day), and the prefix picks which side of that interval matches.
 */
function dateBounds(value: string): { from?: Date; to?: Date } | undefined {
  // oxlint-disable-next-line security/detect-unsafe-regex -- FHIR date search value: fixed-width fields in nested optional groups, linear.
  const match = /^(eq|ge|gt|le|lt)?(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(value);
  if (!match) return undefined;
  const [, prefix = "eq", year, month = "01", day = "01", hour = "00", minute = "00", second = "00", fraction, zone] = match;
  const parts = [Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Math.floor(Number(`0${fraction ?? ""}`) * 1000)];
  const daysInMonth = new Date(Date.UTC(parts[0]!, parts[1]! + 1, 0)).getUTCDate();
  // A date that does not exist (2026-02-30) is refused rather than rolled over into the next month.
  if (parts[1]! < 0 || parts[1]! > 11 || parts[2]! < 1 || parts[2]! > daysInMonth || parts[3]! > 23 || parts[4]! > 59 || parts[5]! > 59) return undefined;
  const sign = zone?.startsWith("-") ? -1 : 1;
  const offset = zone === undefined ? japanOffsetMinutes : zone === "Z" ? 0 : sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const at = (p: readonly number[]) => new Date(Date.UTC(p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!) - offset * 60_000);
  // The precision of the value, as the index of its last given part: year 0, month 1, day 2, minute 4, second 5, fraction 6.
  const unit = fraction ? 6 : match[7] ? 5 : match[6] ? 4 : match[4] ? 2 : match[3] ? 1 : 0;
  const start = at(parts);
  const end = at(parts.map((part, index) => (index === unit ? part + 1 : part)));
  switch (prefix) {
    case "ge":
      return { from: start };
    case "gt":
      return { from: end };
    case "lt":
      return { to: start };
    case "le":
      return { to: end };
    default:
      return { from: start, to: end };
  }
}
