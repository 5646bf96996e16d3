import type { FastifyInstance } from "fastify";
import type { Metrics } from "../../ops/metrics.js";

/**
 * Feeds the request metrics: labels are the route pattern (never the URL, which may carry identifiers), the method
 * and the status class; rate-limit refusals by class and request-inspection blocks by rule family.
 */
export function registerRequestMetrics(app: FastifyInstance, metrics: Metrics, wafBlocks: boolean): void {
  app.addHook("onResponse", async (request, reply) => {
    metrics.observeRequest({ method: request.method, route: request.routeOptions.url ?? "(unmatched)", status: reply.statusCode, seconds: reply.elapsedTime / 1000 });
    const refused = request.rateLimits?.find((state) => state.exceeded);
    if (refused) metrics.rateLimitRefused(refused.class);
    // The inspection plugin records the score it acted on; a request that reached it in block mode was refused.
    if (wafBlocks && request.wafAuditedScore > 0) metrics.wafBlocked(request.wafMatches.map((match) => match.family));
  });
}
