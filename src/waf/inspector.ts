import { createHash } from "node:crypto";
import { normalise } from "./normalise.js";
import { protocolChecks } from "./protocol-checks.js";
import { locationName, splitCookies, splitPairs, splitTarget, type ContentTypePolicy, type RequestHead } from "./request-parts.js";
import { severityScore, type Family, type ParanoiaLevel, type SignatureRule, type Target } from "./rule.js";
import { signatureRules } from "./rules/index.js";

/** One rule that fired: where, and the SHA-256 of the value it fired on (the value itself is not kept). */
export interface RuleMatch {
  ruleId: number;
  family: Family;
  score: number;
  location: string;
  valueSha256: string;
}

export interface Inspector {
  /** Method, URL path and query, headers and cookies: everything known in Fastify's onRequest. */
  inspectHead(head: RequestHead): RuleMatch[];
  /** A parsed JSON body: every string value (by its JSON path) and every key. */
  inspectJsonBody(body: unknown): RuleMatch[];
  /** An `application/x-www-form-urlencoded` body (OAuth token requests, RFC 6749 §4.1.3). */
  inspectFormBody(text: string): RuleMatch[];
}

/** Anomaly score of a set of matches: each rule counts once per request, as in CRS. */
export function anomalyScore(matches: readonly RuleMatch[]): number {
  const byRule = new Map<number, number>();
  for (const match of matches) byRule.set(match.ruleId, match.score);
  let total = 0;
  for (const score of byRule.values()) total += score;
  return total;
}

const maxJsonDepth = 64;

/** The inspection engine at one paranoia level; pure, so the replay benchmark and the HTTP hooks share it. */
export function createInspector(settings: {
  paranoia: ParanoiaLevel;
  contentTypes: ContentTypePolicy;
  /**
   * The service's own origin (e.g. `https://mamori.hospital.example`). A Referer from it names a page of ours whose
   * request was inspected when it was made; on an intranet that origin is often a private address, which the SSRF
   * rules would otherwise flag on every same-origin form post.
   */
  ownOrigin?: string;
}): Inspector {
  const active = signatureRules.filter((rule) => rule.paranoia <= settings.paranoia);
  const rulesFor = new Map<Target, SignatureRule[]>();
  for (const rule of active) for (const target of rule.targets) rulesFor.set(target, [...(rulesFor.get(target) ?? []), rule]);
  const checks = protocolChecks.filter((check) => check.paranoia <= settings.paranoia);

  function match(target: Target, location: string, raw: string, into: RuleMatch[]): void {
    const rules = rulesFor.get(target);
    if (!rules || raw === "") return;
    const value = normalise(raw, { isFormEncoded: !location.startsWith("body:") && !location.startsWith("header:") });
    let hash: string | undefined;
    for (const rule of rules) {
      if (rule.excludeLocations?.test(location)) continue;
      if (!rule.pattern.test(rule.field === "sql" ? value.sql : value.text)) continue;
      hash ??= sha256(raw);
      into.push({ ruleId: rule.id, family: rule.family, score: severityScore[rule.severity], location, valueSha256: hash });
    }
  }

  function inspectPairs(source: "query" | "form", pairs: Array<[string, string]>, into: RuleMatch[]): void {
    pairs.forEach(([name, value], index) => {
      const label = locationName(safeDecode(name), index);
      match("arg-name", `${source}-name:${label}`, name, into);
      match("arg", `${source}:${label}`, value, into);
    });
  }

  return {
    inspectHead(head) {
      const matches: RuleMatch[] = [];
      for (const check of checks) {
        const finding = check.check(head, settings.contentTypes);
        if (finding) matches.push({ ruleId: check.id, family: check.family, score: severityScore[check.severity], location: finding.location, valueSha256: sha256(finding.value) });
      }
      const { path, query } = splitTarget(head.url);
      match("path", "path", path, matches);
      inspectPairs("query", query, matches);
      splitCookies(header(head, "cookie")).forEach(([name, value], index) => {
        match("arg-name", `cookie-name:${locationName(name, index)}`, name, matches);
        match("cookie", `cookie:${locationName(name, index)}`, value, matches);
      });
      match("ua-referer", "header:user-agent", header(head, "user-agent") ?? "", matches);
      const referer = header(head, "referer") ?? "";
      if (!(settings.ownOrigin && (referer === settings.ownOrigin || referer.startsWith(`${settings.ownOrigin}/`)))) match("ua-referer", "header:referer", referer, matches);
      for (let index = 0; index < head.rawHeaders.length; index += 2) {
        const name = head.rawHeaders[index]!.toLowerCase();
        if (name !== "cookie") match("header", `header:${locationName(name, index / 2)}`, head.rawHeaders[index + 1]!, matches);
      }
      return matches;
    },
    inspectJsonBody(body) {
      const matches: RuleMatch[] = [];
      walkJson(body, "", 0, (kind, location, value) => match(kind, `body:${location}`, value, matches));
      return matches;
    },
    inspectFormBody(text) {
      const matches: RuleMatch[] = [];
      inspectPairs("form", splitPairs(text), matches);
      return matches;
    },
  };
}

/** Visits every string (as `arg`) and every key (as `arg-name`) of a JSON value, by JSON path. */
function walkJson(value: unknown, path: string, depth: number, visit: (kind: Target, location: string, value: string) => void): void {
  if (depth > maxJsonDepth) return;
  if (typeof value === "string") visit("arg", path, value);
  else if (Array.isArray(value)) value.forEach((item, index) => walkJson(item, `${path}[${index}]`, depth + 1, visit));
  else if (value !== null && typeof value === "object") {
    Object.entries(value).forEach(([key, item], index) => {
      const child = path === "" ? locationName(key, index) : `${path}.${locationName(key, index)}`;
      visit("arg-name", child, key);
      walkJson(item, child, depth + 1, visit);
    });
  }
}

function header(head: RequestHead, name: string): string | undefined {
  const value = head.headers[name];
  return Array.isArray(value) ? value.join("; ") : value;
}

function safeDecode(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    return name;
  }
}

function sha256(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}
