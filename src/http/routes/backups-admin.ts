import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { apiError, backupStatusResponse } from "../../../shared/api/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, sessionApi } from "../route-policy.js";
import { requirePrincipal } from "../plugins/authenticate.js";

const errors = { 401: apiError, 403: apiError };

/** The backup status for administrators, read-only; authorization (Cedar) and audit happen in the backup module. */
export function backupsAdminRoutes(services: HttpServices): FastifyPluginAsyncZod {
  return async (app) => {
    declareRoutePolicy(app, sessionApi("backup"));
    app.get("/api/admin/backups", { schema: { response: { 200: backupStatusResponse, ...errors } } }, async (request) => {
      const status = await services.backupStatus.read(requirePrincipal(request));
      return {
        ...(status.newestAt ? { newestAt: status.newestAt.toISOString() } : {}),
        ...(status.oldestAt ? { oldestAt: status.oldestAt.toISOString() } : {}),
        generations: status.generations,
        minGenerations: status.minGenerations,
        ...(status.lastDrill ? { lastDrill: { at: status.lastDrill.at.toISOString(), isPassed: status.lastDrill.isPassed } } : {}),
      };
    });
  };
}
