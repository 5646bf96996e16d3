import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { accessHistoryResponse, apiError, invitePatientRequest, patientInvitationCreated } from "../../../shared/api/index.js";
import { AppError } from "../../kernel/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, sessionApi } from "../route-policy.js";
import { requirePrincipal } from "../plugins/authenticate.js";

const errors = { 400: apiError, 401: apiError, 403: apiError, 404: apiError, 409: apiError, 422: apiError, 503: apiError };

// An e-mail field is read only to refuse it clearly: older clients sent one, and the address now comes from the record.
const invitePatientBody = invitePatientRequest.extend({ email: z.unknown().optional() });

/** The patient portal: clinicians invite their patients; patients see who accessed their record. */
export function patientPortalRoutes(services: HttpServices): FastifyPluginAsyncZod {
  return async (app) => {
    declareRoutePolicy(app, sessionApi("identity"));
    app.post("/api/patient-invitations", { schema: { body: invitePatientBody, response: { 201: patientInvitationCreated, ...errors } } }, async (request, reply) => {
      if (request.body.email !== undefined) throw new AppError("identity.invitation_email_not_accepted", { expression: ["email"] });
      const issued = await services.identity.patientInvitations.invite(requirePrincipal(request), request.body.patientId);
      return reply.code(201).send({ invitationId: issued.invitationId, code: issued.code, sentTo: issued.sentTo, expiresAt: issued.expiresAt.getTime() });
    });

    app.get(
      "/api/me/access-history",
      { config: { policy: { audit: "audit" } }, schema: { querystring: z.object({ before: z.coerce.number().int().positive().optional() }), response: { 200: accessHistoryResponse, ...errors } } },
      async (request) => services.patientHistory.forOwnRecord(requirePrincipal(request), request.query.before),
    );
  };
}
