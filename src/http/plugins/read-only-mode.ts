import type { FastifyInstance } from "fastify";
import { AppError } from "../../kernel/index.js";

/**
 * Writes that stay possible in read-only mode: signing in and out (the security officer must be able to reach the
 * switch), the incident work itself and the switch. Searches sent as POST (FHIR `_search`) are reads.
 */
function isAllowedWhileReadOnly(url: string): boolean {
  const path = url.split("?", 1)[0] ?? "";
  return path.startsWith("/api/auth/") || path === "/api/incidents" || path.startsWith("/api/incidents/") || path === "/api/service-mode" || (path.startsWith("/fhir/R4/") && path.endsWith("/_search"));
}
const readMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses writes with 503 `service.read_only` while the service-wide read-only mode is on (incident response);
 * reads go on. The mode lives in the database, so every node and every restart honours it.
 */
export function registerReadOnlyMode(app: FastifyInstance, isReadOnly: () => Promise<boolean>): void {
  app.addHook("onRequest", async (request) => {
    if (readMethods.has(request.method) || isAllowedWhileReadOnly(request.url)) return;
    if (await isReadOnly()) throw new AppError("service.read_only");
  });
}
