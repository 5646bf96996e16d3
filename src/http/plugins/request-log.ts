import type { FastifyInstance } from "fastify";

/**
 * One log line per request with the route pattern, never the URL: query strings and paths can carry names or
 * tokens, and logs must never hold medical content or secrets.
 */
export function registerRequestLog(app: FastifyInstance): void {
  app.addHook("onResponse", async (request, reply) => {
    // Load balancers probe health every few seconds; a healthy answer is not worth a line, a failing one is.
    if (reply.statusCode < 300 && request.routeOptions.url?.startsWith("/health/")) return;
    request.log.info(
      { method: request.method, route: request.routeOptions.url ?? "(unmatched)", status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      "request",
    );
  });
}
