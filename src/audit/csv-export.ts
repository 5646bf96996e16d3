import type { RecordedAuditEntry } from "./entry.js";

/** The columns of the CSV export, in order; names are stable for scripts that read the file. */
const columns: ReadonlyArray<[string, (entry: RecordedAuditEntry) => string | number | boolean | undefined]> = [
  ["seq", (entry) => entry.seq],
  ["recorded_at", (entry) => entry.at],
  ["action", (entry) => entry.action],
  ["outcome", (entry) => entry.outcome],
  ["reason_code", (entry) => entry.reasonCode],
  ["account_id", (entry) => entry.actor?.accountId],
  ["roles", (entry) => entry.actor?.roles?.join(" ")],
  ["session_id", (entry) => entry.actor?.sessionId],
  ["resource_type", (entry) => entry.resource?.type],
  ["resource_id", (entry) => entry.resource?.id],
  ["patient_id", (entry) => entry.patientId],
  ["ip", (entry) => entry.network?.ip],
  ["user_agent", (entry) => entry.network?.userAgent],
  ["break_glass", (entry) => entry.breakGlass],
];

/**
 * A UTF-8 byte order mark: without it Excel (Japanese Windows) reads the file as Shift_JIS and garbles kana and
 * kanji; other CSV readers skip it.
 */
export const csvByteOrderMark = "\uFEFF";

/** The header line, ending in CRLF (RFC 4180 §2). */
export function csvHeader(): string {
  return csvLine(columns.map(([name]) => name));
}

/** One entry as a CSV line, ending in CRLF. */
export function csvRow(entry: RecordedAuditEntry): string {
  return csvLine(columns.map(([, read]) => {
    const value = read(entry);
    return value === undefined ? "" : String(value);
  }));
}

function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/**
 * One field: neutralised against formula injection (OWASP "CSV Injection": a cell starting with = + - @ tab or CR
 * is prefixed with ', so a spreadsheet shows it as text rather than running it), then quoted, with inner quotes
 * doubled (RFC 4180 §2.6–2.7). A user agent, for one, is chosen by whoever sends the request.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}
