import type { ContentTypePolicy, RequestHead } from "./request-parts.js";
import { splitTarget } from "./request-parts.js";
import type { Family, ParanoiaLevel, Severity } from "./rule.js";

/** A protocol rule: a check over the whole request head that names the location it failed at. */
export interface ProtocolCheck {
  id: number;
  family: Family;
  paranoia: ParanoiaLevel;
  severity: Severity;
  description: string;
  /** The offending location (e.g. `header:content-type`), or undefined when the request passes. */
  check(head: RequestHead, policy: ContentTypePolicy): Finding | undefined;
}

export interface Finding {
  location: string;
  /** The offending value, only ever hashed. */
  value: string;
}

/** Methods Mamori serves: FHIR REST (RFC 9110 methods used by FHIR R4 http.html) and CORS pre-flight. */
const allowedMethods = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const bodylessMethods = new Set(["GET", "HEAD", "DELETE", "OPTIONS"]);

/** Limits after CRS 920 (tx.max_num_args, arg_name_length, arg_length, total_arg_length) and common server limits. */
export const limits = { urlLength: 4096, queryArgs: 255, argNameLength: 100, argValueLength: 4000, headerCount: 100, headerValueLength: 8192, headerTotalBytes: 16384 };

const header = (head: RequestHead, name: string): string | undefined => {
  const value = head.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
};
const hasBody = (head: RequestHead) => {
  const length = header(head, "content-length");
  return header(head, "transfer-encoding") !== undefined || (length !== undefined && length.trim() !== "0");
};

export const protocolChecks: readonly ProtocolCheck[] = [
  { id: 911100, family: "method", paranoia: 1, severity: "critical", description: "method not allowed",
    check: (head) => (allowedMethods.has(head.method) ? undefined : { location: "method", value: head.method }) },
  // A warning, not critical: on its own the route still answers 415 with the accurate reason (Fastify refuses types
  // it has no parser for before reading the body); with any other finding it tips the request into a block.
  { id: 920100, family: "protocol", paranoia: 1, severity: "warning", description: "body media type not accepted on this path (CRS 920420)",
    check: (head, policy) => {
      if (!hasBody(head) || bodylessMethods.has(head.method)) return undefined;
      const declared = (header(head, "content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      const { path } = splitTarget(head.url);
      const rule = policy.byPathPrefix.find((entry) => path.startsWith(entry.prefix));
      return rule?.types.includes(declared) ? undefined : { location: "header:content-type", value: declared };
    } },
  { id: 920110, family: "protocol", paranoia: 1, severity: "critical", description: "body on a method that takes none (CRS 920170)",
    check: (head) => (bodylessMethods.has(head.method) && hasBody(head) ? { location: "header:content-length", value: header(head, "content-length") ?? "" } : undefined) },
  { id: 920120, family: "protocol", paranoia: 1, severity: "critical", description: "request smuggling: Content-Length with Transfer-Encoding, a repeated Content-Length, or an encoding other than chunked (RFC 9112 §6.1, §6.3)",
    check: (head) => {
      const te = header(head, "transfer-encoding");
      const lengths = head.rawHeaders.filter((_value, index) => index % 2 === 0 && head.rawHeaders[index]!.toLowerCase() === "content-length");
      if (te !== undefined && (header(head, "content-length") !== undefined || te.trim().toLowerCase() !== "chunked")) return { location: "header:transfer-encoding", value: te };
      if (lengths.length > 1) return { location: "header:content-length", value: lengths.join(",") };
      return undefined;
    } },
  { id: 920130, family: "protocol", paranoia: 1, severity: "critical", description: "URL or query parameters over the limits (CRS 920380–920390)",
    check: (head) => {
      if (head.url.length > limits.urlLength) return { location: "url", value: head.url };
      const { query } = splitTarget(head.url);
      if (query.length > limits.queryArgs) return { location: "query", value: head.url };
      const long = query.find(([name, value]) => name.length > limits.argNameLength || value.length > limits.argValueLength);
      return long ? { location: "query", value: `${long[0]}=${long[1]}` } : undefined;
    } },
  { id: 920140, family: "protocol", paranoia: 1, severity: "critical", description: "headers over the limits",
    check: (head) => {
      const pairs = head.rawHeaders.length / 2;
      let total = 0;
      for (let index = 0; index < head.rawHeaders.length; index += 2) {
        const value = head.rawHeaders[index + 1]!;
        total += head.rawHeaders[index]!.length + value.length + 4;
        if (value.length > limits.headerValueLength) return { location: `header:${head.rawHeaders[index]!.toLowerCase()}`, value };
      }
      return pairs > limits.headerCount || total > limits.headerTotalBytes ? { location: "headers", value: String(total) } : undefined;
    } },
  { id: 920150, family: "protocol", paranoia: 1, severity: "critical", description: "NUL or control character in the URL or a header (CRS 920270)",
    check: (head) => {
      if (/[\u0000-\u001f\u007f]|%00/i.test(head.url)) return { location: "url", value: head.url };
      for (let index = 0; index < head.rawHeaders.length; index += 2) {
        const value = head.rawHeaders[index + 1]!;
        if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) return { location: `header:${head.rawHeaders[index]!.toLowerCase()}`, value };
      }
      return undefined;
    } },
  { id: 920160, family: "protocol", paranoia: 1, severity: "critical", description: "charset other than UTF-8 declared for a body (CRS 920480)",
    check: (head) => {
      const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(header(head, "content-type") ?? "")?.[1]?.toLowerCase();
      return charset === undefined || charset === "utf-8" || charset === "utf8" || charset === "us-ascii" ? undefined : { location: "header:content-type", value: charset };
    } },
  { id: 920170, family: "protocol", paranoia: 1, severity: "critical", description: "Proxy header (httpoxy, CVE-2016-5385)",
    check: (head) => (header(head, "proxy") !== undefined ? { location: "header:proxy", value: header(head, "proxy")! } : undefined) },
  { id: 920180, family: "protocol", paranoia: 1, severity: "critical", description: "invalid URL encoding in the path or query (CRS 920220)",
    check: (head) => {
      const bad = /%(?![0-9a-f]{2}|u[0-9a-f]{4})/i;
      return bad.test(head.url) ? { location: "url", value: head.url } : undefined;
    } },
  { id: 920190, family: "protocol", paranoia: 1, severity: "critical", description: "Range header asking for many or overlapping ranges (CRS 920200)",
    check: (head) => {
      const range = header(head, "range") ?? header(head, "request-range");
      return range !== undefined && range.split(",").length > 5 ? { location: "header:range", value: range } : undefined;
    } },
  { id: 920200, family: "protocol", paranoia: 2, severity: "notice", description: "missing or empty User-Agent (CRS 920320, 920330)",
    check: (head) => ((header(head, "user-agent") ?? "").trim() === "" ? { location: "header:user-agent", value: "" } : undefined) },
  { id: 920210, family: "protocol", paranoia: 2, severity: "notice", description: "missing Accept header (CRS 920300)",
    check: (head) => (head.method !== "OPTIONS" && header(head, "accept") === undefined ? { location: "header:accept", value: "" } : undefined) },
];
