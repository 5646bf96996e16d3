import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { accountParams, accountSessionParams, apiError, changeRolesRequest, pendingRoleRequestList, roleChangePending, roleRequestParams, sessionList } from "../../../shared/api/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, sessionApi } from "../route-policy.js";
import { requirePrincipal } from "../plugins/authenticate.js";
import { stepUpGuardOf } from "../plugins/step-up.js";
import { toSessionView } from "./account.js";

const errors = { 400: apiError, 401: apiError, 403: apiError, 404: apiError, 409: apiError, 422: apiError };

/** Account protection and lifecycle for administrators and the security officer; Cedar and audit sit in identity. */
export function accountsAdminRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const { identity } = services;
  const { lists } = services.sessions;
  const requireRecentMfa = stepUpGuardOf(services);
  return async (app) => {
    declareRoutePolicy(app, sessionApi("identity"));
    app.post("/api/admin/accounts/:id/unlock", { schema: { params: accountParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await identity.lockout.unlock(requirePrincipal(request), request.params.id);
      return reply.code(204).send(null);
    });

    app.post("/api/admin/accounts/:id/deactivate", { schema: { params: accountParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await identity.lifecycle.deactivate(requirePrincipal(request), request.params.id);
      return reply.code(204).send(null);
    });

    app.post("/api/admin/accounts/:id/reactivate", { schema: { params: accountParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await identity.lifecycle.reactivate(requirePrincipal(request), request.params.id);
      return reply.code(204).send(null);
    });

    // A role is future access: every change needs a recent second factor, and one that gives an administrative duty
    // or mixes duties is answered 202 until a second administrator approves it.
    app.put("/api/admin/accounts/:id/roles", { config: { policy: { authentication: "step-up" } }, schema: { params: accountParams, body: changeRolesRequest, response: { 202: roleChangePending, 204: z.null(), ...errors } } }, async (request, reply) => {
      const outcome = await identity.roleChanges.change(requireRecentMfa(request), request.params.id, request.body.roles);
      if (outcome.status === "pending") return reply.code(202).send({ requestId: outcome.requestId, expiresAt: outcome.expiresAt.getTime() });
      return reply.code(204).send(null);
    });

    app.get("/api/admin/role-requests", { schema: { response: { 200: pendingRoleRequestList, ...errors } } }, async (request) => ({
      requests: (await identity.roleChanges.pending(requirePrincipal(request))).map((row) => ({
        ...row,
        requestedAt: row.requestedAt.getTime(),
        expiresAt: row.expiresAt.getTime(),
      })),
    }));

    app.post("/api/admin/role-requests/:id/approve", { config: { policy: { authentication: "step-up" } }, schema: { params: roleRequestParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await identity.roleChanges.approve(requireRecentMfa(request), request.params.id);
      return reply.code(204).send(null);
    });

    app.post("/api/admin/role-requests/:id/reject", { schema: { params: roleRequestParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await identity.roleChanges.reject(requirePrincipal(request), request.params.id);
      return reply.code(204).send(null);
    });

    app.get("/api/admin/accounts/:id/sessions", { schema: { params: accountParams, response: { 200: sessionList, ...errors } } }, async (request) => ({
      sessions: (await lists.list(requirePrincipal(request), request.params.id)).map(toSessionView),
    }));

    app.delete("/api/admin/accounts/:id/sessions/:sessionId", { schema: { params: accountSessionParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await lists.revoke(requirePrincipal(request), request.params.id, request.params.sessionId);
      return reply.code(204).send(null);
    });

    app.delete("/api/admin/accounts/:id/sessions", { schema: { params: accountParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await lists.revokeAll(requirePrincipal(request), request.params.id);
      return reply.code(204).send(null);
    });
  };
}
