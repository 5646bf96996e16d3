/** A half-open interval [low, high) of instants, in milliseconds since the epoch. */
export interface DateRange {
  low: number;
  high: number;
}

// Mamori serves Japanese medical institutions and Japan has no daylight saving: a zone-less date means JST, as in
// the AuditEvent search, so "2026-04-01" is the clinic's day and not the UTC one.
const japanOffsetMinutes = 9 * 60;

const earliest = utc([1, 0, 1, 0, 0, 0, 0]);
const latest = utc([9999, 11, 31, 23, 59, 59, 999]);

/** Stand-ins for an open end of a Period: far enough out that no clinical date passes them. */
export const openLow = Date.UTC(1, 0, 1);
export const openHigh = Date.UTC(9999, 11, 31);

/**
 * The interval a FHIR date, dateTime or instant stands for: the whole year, month, day, minute, second or
 * millisecond of its precision (FHIR R4 search.html#date). Undefined when the text is not such a value or names a
 * day that does not exist.
 */
export function dateRange(text: string): DateRange | undefined {
  // oxlint-disable-next-line security/detect-unsafe-regex -- FHIR date value: fixed-width fields in nested optional groups, linear.
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(text);
  if (!match) return undefined;
  const [, year, month = "01", day = "01", hour = "00", minute = "00", second = "00", fraction, zone] = match;
  const parts = [Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Math.floor(Number(`0${fraction ?? ""}`) * 1000)];
  // FHIR has no year 0000 (R4 datatypes.html#date); every other four-digit year is within what the database stores.
  if (parts[0]! < 1) return undefined;
  const daysInMonth = new Date(utc([parts[0]!, parts[1]! + 1, 0, 0, 0, 0, 0])).getUTCDate();
  // A date that does not exist (2026-02-30) is refused rather than rolled over into the next month.
  if (parts[1]! < 0 || parts[1]! > 11 || parts[2]! < 1 || parts[2]! > daysInMonth || parts[3]! > 23 || parts[4]! > 59 || parts[5]! > 59) return undefined;
  const sign = zone?.startsWith("-") ? -1 : 1;
  const offset = zone === undefined ? japanOffsetMinutes : zone === "Z" ? 0 : sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  if (Math.abs(offset) > 14 * 60) return undefined;
  const at = (p: readonly number[]) => utc(p) - offset * 60_000;
  // The precision of the value, as the index of its last given part: year 0, month 1, day 2, minute 4, second 5, fraction 6.
  const unit = fraction ? 6 : match[6] ? 5 : match[5] ? 4 : match[3] ? 2 : match[2] ? 1 : 0;
  // Clamped to the years 0001–9999 the database holds: "0001-01-01" in Japan time begins on 31 December of year 0.
  const held = (instant: number) => Math.min(Math.max(instant, earliest), latest);
  return { low: held(at(parts)), high: held(at(parts.map((part, index) => (index === unit ? part + 1 : part)))) };
}

/** A Period's interval; an open start or end reaches to the far past or future. */
export function periodRange(period: { start?: unknown; end?: unknown }): DateRange | undefined {
  const start = typeof period.start === "string" ? dateRange(period.start) : undefined;
  const end = typeof period.end === "string" ? dateRange(period.end) : undefined;
  if (!start && !end) return undefined;
  return { low: start?.low ?? openLow, high: end?.high ?? openHigh };
}

/** Date.UTC without its mapping of years 0–99 to 1900–1999, which would turn the year 0050 into 1950. */
function utc(p: readonly number[]): number {
  const at = new Date(0);
  at.setUTCFullYear(p[0]!, p[1]!, p[2]!);
  at.setUTCHours(p[3]!, p[4]!, p[5]!, p[6]!);
  return at.getTime();
}

/** The date-search prefixes (FHIR R4 search.html#prefix). */
export const datePrefixes = ["eq", "ne", "gt", "lt", "ge", "le", "sa", "eb"] as const;
export type DatePrefix = (typeof datePrefixes)[number];

/** Splits `ge2026-04-01` into its prefix (eq when none) and value. */
export function splitPrefix(text: string): { prefix: DatePrefix; value: string } {
  const prefix = datePrefixes.find((candidate) => text.startsWith(candidate));
  return prefix ? { prefix, value: text.slice(2) } : { prefix: "eq", value: text };
}
