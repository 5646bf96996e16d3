import type { IncomingHttpHeaders } from "node:http";

/** What the inspection sees of a request before its body: the raw URL and headers, nothing decoded yet. */
export interface RequestHead {
  method: string;
  /** The request target as received, e.g. `/fhir/R4/Patient?name=%E5%B1%B1`. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Raw header name/value pairs as received (node's rawHeaders), to see duplicates. */
  rawHeaders: readonly string[];
}

/** Which body media types each path accepts, by path prefix (longest prefix first). */
export interface ContentTypePolicy {
  byPathPrefix: ReadonlyArray<{ prefix: string; types: readonly string[] }>;
}

/** The split of a request target into its path and its query parameters, still URL-encoded. */
export function splitTarget(url: string): { path: string; query: Array<[string, string]> } {
  const mark = url.indexOf("?");
  const path = mark === -1 ? url : url.slice(0, mark);
  const query = mark === -1 ? [] : splitPairs(url.slice(mark + 1));
  return { path, query };
}

/** `a=1&b=2` into pairs, without decoding (normalisation decodes, so double encoding is seen). */
export function splitPairs(text: string): Array<[string, string]> {
  if (text === "") return [];
  return text.split("&").filter((pair) => pair !== "").map((pair) => {
    const equals = pair.indexOf("=");
    return equals === -1 ? [pair, ""] : [pair.slice(0, equals), pair.slice(equals + 1)];
  });
}

/** Cookie header into name/value pairs (RFC 6265 §5.4), undecoded. */
export function splitCookies(header: string | undefined): Array<[string, string]> {
  if (!header) return [];
  return header.split(";").map((part) => part.trim()).filter((part) => part !== "").map((part) => {
    const equals = part.indexOf("=");
    return equals === -1 ? ["", part] : [part.slice(0, equals), part.slice(equals + 1)];
  });
}

const safeName = /^[A-Za-z0-9_.\-:[\]]{1,64}$/;

/**
 * A name fit for an audit location: parameter and JSON key names are attacker-chosen, so one that is not a plain
 * identifier is replaced by its position and never written anywhere.
 */
export function locationName(name: string, index: number): string {
  return safeName.test(name) ? name : `#${index}`;
}
