import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { apiError, keyStatusResponse, shredApprovalRequest, shredPatientParams, shredPatientResponse } from "../../../shared/api/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, sessionApi } from "../route-policy.js";
import { requirePrincipal } from "../plugins/authenticate.js";
import { stepUpGuardOf } from "../plugins/step-up.js";

const errors = { 400: apiError, 401: apiError, 403: apiError, 404: apiError, 409: apiError };

/** Keys and crypto-shredding for administrators; authorization (Cedar) and audit happen in the modules. */
export function keysAdminRoutes(services: HttpServices): FastifyPluginAsyncZod {
  // Reading the status changes nothing; approving and running a shred need a recent second factor.
  const requireRecentMfa = stepUpGuardOf(services);
  return async (app) => {
    declareRoutePolicy(app, sessionApi("keys"));
    app.get("/api/admin/keys", { schema: { response: { 200: keyStatusResponse, ...errors } } }, async (request) => {
      const status = await services.keyStatus.read(requirePrincipal(request));
      return {
        kmsKind: status.kmsKind,
        masterKeyId: status.masterKeyId,
        kekId: status.kekId,
        ...(status.kekCreatedAt ? { kekCreatedAt: status.kekCreatedAt.toISOString() } : {}),
        ...(status.lastRotationAt ? { lastRotationAt: status.lastRotationAt.toISOString() } : {}),
        pendingRewrap: status.pendingRewrap,
        retiredKeks: status.retiredKeks,
        masterKeyIdsInUse: status.masterKeyIdsInUse,
      };
    });

    app.post(
      "/api/admin/patients/:id/shred-approvals",
      { config: { policy: { authentication: "step-up" } }, schema: { params: shredPatientParams, body: shredApprovalRequest, response: { 204: z.null(), ...errors } } },
      async (request, reply) => {
        await services.shredding.approve(requireRecentMfa(request), request.params.id, request.body.reason);
        return reply.code(204).send(null);
      },
    );

    app.post("/api/admin/patients/:id/shred", { config: { policy: { authentication: "step-up" } }, schema: { params: shredPatientParams, response: { 200: shredPatientResponse, ...errors } } }, async (request) =>
      services.shredding.shredPatient(requireRecentMfa(request), request.params.id),
    );
  };
}
