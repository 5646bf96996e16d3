import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { apiError, oauthClientList, oauthClientParams, oauthClientRegistered, oauthClientRegistration } from "../../../shared/api/index.js";
import type { ClientView } from "../../identity/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, sessionApi } from "../route-policy.js";
import { requirePrincipal } from "../plugins/authenticate.js";

const errors = { 400: apiError, 401: apiError, 403: apiError, 404: apiError, 422: apiError };

const toView = (client: ClientView) => ({ ...client, createdAt: client.createdAt.toISOString() });

/** OAuth client registration by administrators (Cedar `manage_oauth_clients`; audited in the module). */
export function oauthClientRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const { clients } = services.oidc;
  return async (app) => {
    declareRoutePolicy(app, sessionApi("oauth"));
    app.post("/api/admin/oauth-clients", { schema: { body: oauthClientRegistration, response: { 201: oauthClientRegistered, ...errors } } }, async (request, reply) => {
      const registered = await clients.register(requirePrincipal(request), request.body);
      return reply.code(201).send({ client: toView(registered.client), ...(registered.clientSecret ? { clientSecret: registered.clientSecret } : {}) });
    });

    app.get("/api/admin/oauth-clients", { schema: { response: { 200: oauthClientList, ...errors } } }, async (request) => ({
      clients: (await clients.list(requirePrincipal(request))).map(toView),
    }));

    app.post("/api/admin/oauth-clients/:clientId/disable", { schema: { params: oauthClientParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await clients.disable(requirePrincipal(request), request.params.clientId);
      return reply.code(204).send(null);
    });
  };
}
