import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { auditEventSearchLinks, auditFilterFromFhirSearch, toFhirAuditEvent } from "../../audit/index.js";
import { AppError } from "../../kernel/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, fhirApi } from "../route-policy.js";
import { requireScopedPrincipal } from "../plugins/authenticate.js";

const base = "/fhir/R4";
const fhirJson = "application/fhir+json; charset=utf-8";
const resourceBody = z.looseObject({ resourceType: z.string() });
const operationOutcome = z.looseObject({ resourceType: z.literal("OperationOutcome") });
const errors = { 400: operationOutcome, 401: operationOutcome, 403: operationOutcome, 404: operationOutcome, 503: operationOutcome };
const logicalId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/);
/** The only methods AuditEvent answers: the trail is written by the audit module alone, never through the API. */
const allowedMethods = "GET, HEAD";
const parameter = z.string().max(200).optional();
/** Unknown parameters are ignored, as FHIR lets a server do without `Prefer: handling=strict` (R4 search.html#errors). */
const searchQuery = z.object({
  patient: parameter,
  agent: parameter,
  action: parameter,
  outcome: parameter,
  date: z.union([z.string().max(64), z.array(z.string().max(64)).max(4)]).optional(),
  _count: parameter,
  _before: parameter,
});

/**
 * AuditEvent read and search over the audit trail (FHIR R4 auditevent.html); requires `read_audit` like the API.
 * Create, update, patch and delete are refused as 405 for everyone (FHIR R4 http.html: an interaction the server
 * does not support), before any authentication: no principal may change the trail, so who asks makes no difference.
 */
export function fhirAuditEventRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const endpoint = new URL(`${base}/AuditEvent`, services.config.publicUrl).toString();

  return async (app) => {
    declareRoutePolicy(app, fhirApi("audit"));
    app.get(`${base}/AuditEvent`, { schema: { querystring: searchQuery, response: { 200: resourceBody, ...errors } } }, async (request, reply) => {
      const principal = await requireScopedPrincipal(request, reply, services.oidc, { interaction: "search", resourceType: "AuditEvent" });
      const page = await services.auditQuery.search(principal, auditFilterFromFhirSearch(request.query));
      // Bundle.total is optional for a searchset and would cost a count over the whole trail, so it is left out.
      return reply.type(fhirJson).send({
        resourceType: "Bundle",
        type: "searchset",
        link: auditEventSearchLinks(endpoint, request.query, page.nextCursor),
        entry: page.entries.map((entry) => ({ fullUrl: `${endpoint}/${entry.seq}`, resource: toFhirAuditEvent(entry), search: { mode: "match" } })),
      });
    });

    app.get(
      `${base}/AuditEvent/:id`,
      { schema: { params: z.object({ id: logicalId }), response: { 200: resourceBody, ...errors } } },
      async (request, reply) => {
        // AuditEvent ids are sequence numbers; any other id names nothing (answered not found after authorization).
        const seq = /^[1-9]\d{0,15}$/.test(request.params.id) ? Number(request.params.id) : 0;
        const entry = await services.auditQuery.read(await requireScopedPrincipal(request, reply, services.oidc, { interaction: "read", resourceType: "AuditEvent" }), seq);
        return reply.type(fhirJson).send(toFhirAuditEvent(entry));
      },
    );

    // RFC 9110 §15.5.6: a 405 names the methods the resource does support.
    const refuseWrite = async (_request: unknown, reply: { header(name: string, value: string): unknown }) => {
      reply.header("allow", allowedMethods);
      throw new AppError("http.method_not_allowed", { detail: "the audit trail is read-only" });
    };
    app.post(`${base}/AuditEvent`, { config: { policy: { authentication: "none", audit: "none" } }, schema: { response: { 405: operationOutcome } } }, refuseWrite);
    app.route({ method: ["PUT", "PATCH", "DELETE"], url: `${base}/AuditEvent/:id`, config: { policy: { authentication: "none", audit: "none" } }, schema: { params: z.object({ id: logicalId }), response: { 405: operationOutcome } }, handler: refuseWrite });
  };
}
