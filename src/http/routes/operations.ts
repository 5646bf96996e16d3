import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { AppError } from "../../kernel/index.js";
import { createMetricsAccess } from "../../ops/metrics-access.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy } from "../route-policy.js";

/**
 * Health and metrics for the load balancer and the monitoring system: no session, no rate limit (outside /api,
 * /fhir and /oidc), and no audit entry per call, which would flood the trail with probes every few seconds.
 */
export function operationsRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const { readiness, metrics } = services.operations;
  const mayReadMetrics = createMetricsAccess(services.config.metrics);
  return async (app) => {
    declareRoutePolicy(app, { authentication: "none", rateLimits: [], errorFormat: "api", inspection: "standard", audit: "none", whileReadOnly: "refuse-writes" });
    // Liveness: the process answers. No database, so a database outage does not get every node restarted.
    app.get("/health/live", async (_request, reply) => {
      void reply.header("cache-control", "no-store");
      return { status: "live" };
    });

    // Readiness: whether this node should receive traffic; 503 names the failing parts (never addresses or errors).
    app.get("/health/ready", async (_request, reply) => {
      const report = await readiness.check();
      void reply.header("cache-control", "no-store");
      if (!report.ready) return reply.code(503).send({ status: "not_ready", failing: report.failing });
      return { status: "ready", failing: [] };
    });

    app.get("/metrics", { config: { policy: { authentication: "metrics-access" } } }, async (request, reply) => {
      // Refused as not found: a scanner learns nothing about what is here.
      if (!mayReadMetrics({ ip: request.ip, authorization: request.headers.authorization })) throw new AppError("http.not_found");
      void reply.header("cache-control", "no-store").type(metrics.contentType);
      return metrics.render();
    });
  };
}
