import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { apiError, changePasswordRequest } from "../../../shared/api/index.js";
import type { HttpServices } from "../context.js";
import { requirePrincipal } from "../plugins/authenticate.js";

const errors = { 400: apiError, 401: apiError, 403: apiError, 404: apiError, 409: apiError, 422: apiError, 429: apiError };

/** The signed-in user's own account: password and sessions. */
export function accountRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const { identity } = services;
  const { sessions } = services.sessions;
  return async (app) => {
    app.post("/api/account/password", { schema: { body: changePasswordRequest, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      const principal = requirePrincipal(request);
      await identity.accounts.changePassword(principal, request.body);
      // Whoever may have learnt the old password loses every other session with it (OWASP Session Management).
      await sessions.endAllOf(principal.accountId, "session.password_changed", principal.sessionId);
      return reply.code(204).send(null);
    });
  };
}
