import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { apiError, attestationIdParams, attestationRequest, attestationView, complianceDocumentParams, complianceReportResponse } from "../../../shared/api/index.js";
import { reportHtmlContentSecurityPolicy } from "../../compliance/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, sessionApi } from "../route-policy.js";
import { requirePrincipal } from "../plugins/authenticate.js";
import { stepUpGuardOf } from "../plugins/step-up.js";

const errors = { 400: apiError, 401: apiError, 403: apiError, 404: apiError, 409: apiError, 422: apiError };

/** The security officer's compliance view: report, documents and attestations; authorization (Cedar) and audit are in the module. */
export function complianceRoutes(services: HttpServices): FastifyPluginAsyncZod {
  return async (app) => {
    declareRoutePolicy(app, sessionApi("compliance"));
    const requireRecentMfa = stepUpGuardOf(services);
    app.get("/api/compliance/report", { schema: { response: { 200: complianceReportResponse, ...errors } } }, async (request) =>
      services.compliance.report(requirePrincipal(request)),
    );

    // Plain links in the UI download these; the SameSite=Strict session cookie authenticates them.
    app.get(
      "/api/compliance/documents/:kind/:format",
      // 200 is a Buffer (HTML, PDF or JSON bytes), which Fastify sends as is.
      { schema: { params: complianceDocumentParams, response: { 200: z.instanceof(Buffer), ...errors } } },
      async (request, reply) => {
        const { kind, format } = request.params;
        const rendered = await services.compliance.render(requirePrincipal(request), kind, format);
        const day = services.clock.now().toISOString().slice(0, 10);
        // The page carries its own style block; allow exactly that and nothing else.
        if (format === "html") reply.header("content-security-policy", reportHtmlContentSecurityPolicy);
        return reply
          .type(rendered.contentType)
          .header("content-disposition", `${format === "html" ? "inline" : "attachment"}; filename="mamori-${kind}-${day}.${format}"`)
          .send(rendered.body);
      },
    );

    // Attesting and approving change what the 開示書 tells medical institutions: both need a recent second factor.
    app.post("/api/compliance/attestations", { schema: { body: attestationRequest, response: { 201: attestationView, ...errors } } }, async (request, reply) => {
      const view = await services.compliance.attestations.attest(requireRecentMfa(request), request.body);
      return reply.code(201).send(view);
    });

    app.post("/api/compliance/attestations/:id/approve", { schema: { params: attestationIdParams, response: { 200: attestationView, ...errors } } }, async (request) =>
      services.compliance.attestations.approve(requireRecentMfa(request), request.params.id),
    );
  };
}
