import type { FastifyInstance } from "fastify";

/**
 * One log line per request with the route pattern, never the URL: query strings and paths can carry names or
 * tokens, and logs must never hold medical content or secrets.
 */
export function registerRequestLog(app: FastifyInstance): void {
  app.addHook("onResponse", async (request, reply) => {
    request.log.info(
      { method: request.method, route: request.routeOptions.url ?? "(unmatched)", status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      "request",
    );
  });
}
