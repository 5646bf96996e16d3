import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { apiError, changePasswordRequest, sessionList, sessionParams } from "../../../shared/api/index.js";
import type { SessionListItem } from "../../session/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, sessionApi } from "../route-policy.js";
import { clearSessionCookie, requirePrincipal } from "../plugins/authenticate.js";

const errors = { 400: apiError, 401: apiError, 403: apiError, 404: apiError, 409: apiError, 422: apiError, 429: apiError };

/** The signed-in user's own account: password and sessions. */
export function accountRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const { identity } = services;
  const { sessions, lists } = services.sessions;
  return async (app) => {
    declareRoutePolicy(app, sessionApi("identity"));
    app.post("/api/account/password", { schema: { body: changePasswordRequest, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      const principal = requirePrincipal(request);
      await identity.accounts.changePassword(principal, request.body);
      // Whoever may have learnt the old password loses every other session with it (OWASP Session Management).
      await sessions.endAllOf(principal.accountId, "session.password_changed", principal.sessionId);
      return reply.code(204).send(null);
    });

    app.get("/api/account/sessions", { schema: { response: { 200: sessionList, ...errors } } }, async (request) => {
      const principal = requirePrincipal(request);
      return { sessions: (await lists.list(principal, principal.accountId)).map(toSessionView) };
    });

    app.delete("/api/account/sessions/:sessionId", { schema: { params: sessionParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      const principal = requirePrincipal(request);
      await lists.revoke(principal, principal.accountId, request.params.sessionId);
      if (request.params.sessionId === principal.sessionId) clearSessionCookie(reply);
      return reply.code(204).send(null);
    });

    // "Log out everywhere": every session of the account ends, this one included.
    app.post("/api/account/sessions/revoke-all", { schema: { response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      const principal = requirePrincipal(request);
      await lists.revokeAll(principal, principal.accountId);
      clearSessionCookie(reply);
      return reply.code(204).send(null);
    });
  };
}

/** A session for the API: times as epoch milliseconds. */
export function toSessionView(item: SessionListItem) {
  return { ...item, createdAt: item.createdAt.getTime(), lastSeenAt: item.lastSeenAt.getTime() };
}
