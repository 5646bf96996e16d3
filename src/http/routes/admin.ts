import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { apiError, createInvitationRequest, createInvitationResponse } from "../../../shared/api/index.js";
import type { HttpServices } from "../context.js";
import { stepUpGuardOf } from "../plugins/step-up.js";

/** Administration: inviting users. Authorization happens in the identity module, against the Cedar policy. */
export function adminRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const requireRecentMfa = stepUpGuardOf(services);
  return async (app) => {
    app.post(
      "/api/admin/invitations",
      { schema: { body: createInvitationRequest, response: { 200: createInvitationResponse, 400: apiError, 401: apiError, 403: apiError } } },
      async (request) => {
        const issued = await services.identity.invitations.invite(requireRecentMfa(request), request.body);
        return { invitationUrl: oneTimeLink(services.config.publicUrl, "invite", issued.token), expiresAt: issued.expiresAt.getTime() };
      },
    );
  };
}

/** A one-time link whose token sits in the fragment, which browsers never send to servers or put in Referer. */
export function oneTimeLink(publicUrl: URL, page: "setup" | "invite", token: string): string {
  return new URL(`/${page}#token=${token}`, publicUrl).toString();
}
