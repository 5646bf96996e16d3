import type { RecordedAuditEntry } from "../entry.js";
import { toOcsfEvent } from "./ocsf.js";

// RFC 5424 §6.2.1 facilities and severities.
const facilityAuthpriv = 10;
const facilityLocal0 = 16;
const severityError = 3;
const severityWarning = 4;
const severityNotice = 5;
const severityInformational = 6;

/** Our structured-data id; 32473 is the enterprise number RFC 5612 reserves for documentation and examples. */
export const structuredDataId = "mamori@32473";

/**
 * Formats an audit entry as an RFC 5424 message: `auth.*` under facility authpriv, the rest under local0; the
 * severity follows the outcome; MSGID is the action; `[mamori@32473 seq="N"]` lets a receiver de-duplicate; MSG is
 * the OCSF event as JSON with non-ASCII escaped, so it needs no BOM (RFC 5424 §6.4 MSG-ANY).
 */
export function formatSyslogMessage(entry: RecordedAuditEntry, origin: { hostname: string; procId: string }): string {
  const facility = entry.action.startsWith("auth.") ? facilityAuthpriv : facilityLocal0;
  const priority = facility * 8 + severityOf(entry);
  const timestamp = Number.isNaN(Date.parse(entry.at)) ? "-" : new Date(entry.at).toISOString();
  const header = [
    `<${priority}>1`,
    timestamp,
    headerField(origin.hostname, 255),
    "mamori",
    headerField(origin.procId, 128),
    headerField(entry.action, 32),
  ].join(" ");
  return `${header} [${structuredDataId} seq="${entry.seq}"] ${asciiJson(toOcsfEvent(entry))}`;
}

/** RFC 5425 §4.3 octet-counting transport framing: `MSG-LEN SP SYSLOG-MSG`, the length in bytes. */
export function frameSyslogMessage(message: string): Buffer {
  const body = Buffer.from(message, "utf8");
  return Buffer.concat([Buffer.from(`${body.length} `, "ascii"), body]);
}

function severityOf(entry: RecordedAuditEntry): number {
  if (entry.outcome === "failure") return severityError;
  if (entry.outcome === "denied") return severityWarning;
  return entry.breakGlass === true ? severityNotice : severityInformational;
}

// Header fields are 1..max printable US-ASCII characters without spaces (RFC 5424 §6.2); "-" stands for none.
function headerField(value: string, max: number): string {
  const printable = value.replace(/[^\x21-\x7e]/g, "_").slice(0, max);
  return printable.length > 0 ? printable : "-";
}

function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
