import type { FastifyInstance } from "fastify";
import { AppError } from "../../kernel/index.js";
import { routePolicyOf } from "../route-policy.js";

const readMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses writes with 503 `service.read_only` while the service-wide read-only mode is on (incident response);
 * reads go on. Routes that must stay usable declare `whileReadOnly: "serve"` in their policy: signing in and out
 * (the security officer must be able to reach the switch), the incident work itself and the switch, and FHIR
 * searches sent as POST (`_search`), which are reads. The mode lives in the database, so every node and every
 * restart honours it.
 */
export function registerReadOnlyMode(app: FastifyInstance, isReadOnly: () => Promise<boolean>): void {
  app.addHook("onRequest", async (request) => {
    if (readMethods.has(request.method) || routePolicyOf(request).whileReadOnly === "serve") return;
    if (await isReadOnly()) throw new AppError("service.read_only");
  });
}
