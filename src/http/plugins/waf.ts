import { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Audit } from "../../audit/index.js";
import type { Config } from "../../config/index.js";
import { AppError, newIncidentId } from "../../kernel/index.js";
import { acceptedContentTypes } from "../../uploads/index.js";
import { anomalyScore, createInspector, type ContentTypePolicy, type Inspector, type RuleMatch } from "../../waf/index.js";
import { inspectionProfiles, routePolicyOf, type InspectionProfile } from "../route-policy.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Rules the request inspection matched so far (head, then body). */
    wafMatches: RuleMatch[];
    /** Whether this request's inspection finding is already audited (detect-only mode audits once per stage). */
    wafAuditedScore: number;
  }
}

const jsonTypes = ["application/json", "application/fhir+json", "application/json-patch+json"];
/** OAuth 2.0 token and revocation requests are forms (RFC 6749 §4.1.3, RFC 7009 §2.1); they are inspected too. */
const formType = "application/x-www-form-urlencoded";

/**
 * Body media types per inspection profile of the route: JSON and forms everywhere, the upload types only where the
 * route takes uploads (FHIR Binary, sanitised by the uploads module). The OpenID provider reads its own request
 * bodies from the untouched socket stream (a Koa application behind a hijacked reply), so its form bodies are not
 * buffered here: they carry protocol values (codes, tokens, client credentials, PKCE verifiers) that the provider
 * validates strictly, never free text. Their URLs, query strings and headers are still inspected in onRequest.
 */
export const bodyTypesByProfile: Record<InspectionProfile, readonly string[]> = {
  standard: [...jsonTypes, formType],
  "binary-upload": [...jsonTypes, formType, ...acceptedContentTypes],
  provider: [...jsonTypes, formType],
};

/** The inspector's media type policy for a route of this profile (rule 920100 then needs no path). */
export function contentTypesOf(profile: InspectionProfile): ContentTypePolicy {
  return { byPathPrefix: [{ prefix: "/", types: bodyTypesByProfile[profile] }] };
}

/** The standard profile's policy, as the replay benchmarks inspect requests. */
export const contentTypePolicy: ContentTypePolicy = contentTypesOf("standard");

/**
 * Request inspection (WAF, guideline NET-1), before authentication. Where each part is inspected, and why there:
 * - onRequest (registered before the session and same-origin hooks): method, URL path and query, headers and
 *   cookies; an attack is refused before any session lookup or database work is spent on it.
 * - preParsing: form bodies, read here because no route parses them (Fastify would answer 415 and the payload would
 *   go unseen); the buffered bytes are handed on unchanged.
 * - preValidation: parsed JSON bodies (after the strict, prototype-poisoning-safe parser, before schema
 *   validation and before the session is resolved in preHandler). Binary upload bodies, and the base64 file in a
 *   FHIR Binary, are left to the uploads sanitiser, which is stricter for files than signatures can be.
 * Matched values are never logged or audited: the audit entry keeps rule ids, locations and SHA-256 digests.
 */
export function registerRequestInspection(app: FastifyInstance, deps: { config: Readonly<Config>; audit: Audit; bodyLimit: number }): void {
  const { mode, paranoia, threshold } = deps.config.waf;
  // One inspector per profile: they differ only in the body media types they accept (rule 920100).
  const inspectors = Object.fromEntries(
    inspectionProfiles.map((profile) => [profile, createInspector({ paranoia, contentTypes: contentTypesOf(profile), ownOrigin: deps.config.publicUrl.origin })]),
  ) as Record<InspectionProfile, Inspector>;
  app.decorateRequest("wafMatches", undefined as unknown as RuleMatch[]);
  app.decorateRequest("wafAuditedScore", 0);

  async function judge(request: FastifyRequest, found: RuleMatch[]): Promise<void> {
    if (found.length === 0) return;
    request.wafMatches.push(...found);
    const score = anomalyScore(request.wafMatches);
    if (score < threshold || score <= request.wafAuditedScore) return;
    request.wafAuditedScore = score;
    const incidentId = newIncidentId();
    const matches = request.wafMatches;
    const uaInspected = matches.some((entry) => entry.location === "header:user-agent");
    await deps.audit.record({
      action: mode === "block" ? "waf.block" : "waf.detect",
      outcome: mode === "block" ? "denied" : "success",
      reasonCode: "waf.anomaly_score",
      actor: {},
      // A user agent that matched a rule is itself the payload, so it stays out of the trail.
      network: { ip: request.origin.ip, userAgent: uaInspected ? "" : request.origin.userAgent },
      inspection: {
        incidentId,
        score,
        ruleIds: [...new Set(matches.map((entry) => String(entry.ruleId)))],
        matches: matches.map((entry) => ({ ruleId: String(entry.ruleId), location: entry.location, valueSha256: entry.valueSha256 })),
      },
    });
    if (mode === "block") throw new AppError("waf.blocked", { incidentId, detail: `rules ${[...new Set(matches.map((entry) => entry.ruleId))].join(",")}` });
  }

  app.addHook("onRequest", async (request) => {
    request.wafMatches = [];
    await judge(request, inspectors[routePolicyOf(request).inspection].inspectHead({ method: request.method, url: request.raw.url ?? request.url, headers: request.headers, rawHeaders: request.raw.rawHeaders }));
  });

  app.addHook("preParsing", async (request, _reply, payload) => {
    const type = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    const profile = routePolicyOf(request).inspection;
    if (type !== formType || profile === "provider") return payload;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload) {
      size += (chunk as Buffer).length;
      if (size > deps.bodyLimit) throw new AppError("http.payload_too_large");
      chunks.push(chunk as Buffer);
    }
    const bytes = Buffer.concat(chunks);
    await judge(request, inspectors[profile].inspectFormBody(bytes.toString("utf8")));
    return Readable.from([bytes]);
  });

  app.addHook("preValidation", async (request) => {
    const body = request.body;
    if (body === undefined || body === null || Buffer.isBuffer(body) || typeof body !== "object") return;
    // The file inside a FHIR Binary (base64 `data`) is left to the uploads sanitiser, as raw upload bodies are.
    const profile = routePolicyOf(request).inspection;
    const isBinary = profile === "binary-upload" && (body as { resourceType?: unknown }).resourceType === "Binary";
    await judge(request, inspectors[profile].inspectJsonBody(isBinary ? { ...body, data: undefined } : body));
  });
}
