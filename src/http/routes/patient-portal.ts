import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { accessHistoryResponse, apiError, createInvitationResponse, invitePatientRequest } from "../../../shared/api/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, sessionApi } from "../route-policy.js";
import { requirePrincipal } from "../plugins/authenticate.js";
import { oneTimeLink } from "./admin.js";

const errors = { 400: apiError, 401: apiError, 403: apiError, 404: apiError, 409: apiError };

/** The patient portal: clinicians invite their patients; patients see who accessed their record. */
export function patientPortalRoutes(services: HttpServices): FastifyPluginAsyncZod {
  return async (app) => {
    declareRoutePolicy(app, sessionApi("identity"));
    app.post("/api/patient-invitations", { schema: { body: invitePatientRequest, response: { 200: createInvitationResponse, ...errors } } }, async (request) => {
      const issued = await services.identity.invitations.invitePatient(requirePrincipal(request), request.body);
      return { invitationUrl: oneTimeLink(services.config.publicUrl, "invite", issued.token), expiresAt: issued.expiresAt.getTime() };
    });

    app.get(
      "/api/me/access-history",
      { config: { policy: { audit: "audit" } }, schema: { querystring: z.object({ before: z.coerce.number().int().positive().optional() }), response: { 200: accessHistoryResponse, ...errors } } },
      async (request) => services.patientHistory.forOwnRecord(requirePrincipal(request), request.query.before),
    );
  };
}
