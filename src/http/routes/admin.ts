import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { apiError, createInvitationRequest, createInvitationResponse, invitationParams, pendingInvitationList } from "../../../shared/api/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, sessionApi } from "../route-policy.js";
import { requirePrincipal } from "../plugins/authenticate.js";
import { stepUpGuardOf } from "../plugins/step-up.js";

const errors = { 400: apiError, 401: apiError, 403: apiError, 404: apiError };

/**
 * Administration: inviting users, listing the invitations not yet used and revoking one. Authorization and audit
 * happen in the identity module, against the Cedar policy.
 */
export function adminRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const requireRecentMfa = stepUpGuardOf(services);
  return async (app) => {
    declareRoutePolicy(app, sessionApi("identity"));
    app.post(
      "/api/admin/invitations",
      { config: { policy: { authentication: "step-up" } }, schema: { body: createInvitationRequest, response: { 200: createInvitationResponse, 400: apiError, 401: apiError, 403: apiError } } },
      async (request) => {
        const issued = await services.identity.invitations.invite(requireRecentMfa(request), request.body);
        return { invitationUrl: oneTimeLink(services.config.publicUrl, "invite", issued.token), expiresAt: issued.expiresAt.getTime() };
      },
    );

    app.get("/api/admin/invitations", { schema: { response: { 200: pendingInvitationList, ...errors } } }, async (request) => ({
      invitations: (await services.identity.invitations.pending(requirePrincipal(request))).map((invitation) => ({ ...invitation, expiresAt: invitation.expiresAt.getTime() })),
    }));

    app.delete("/api/admin/invitations/:id", { schema: { params: invitationParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await services.identity.invitations.revoke(requirePrincipal(request), request.params.id);
      return reply.code(204).send(null);
    });
  };
}

/** A one-time link whose token sits in the fragment, which browsers never send to servers or put in Referer. */
export function oneTimeLink(publicUrl: URL, page: "setup" | "invite", token: string): string {
  return new URL(`/${page}#token=${token}`, publicUrl).toString();
}
