import { createReadStream, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { AppError } from "../../kernel/index.js";
import { declareRoutePolicy, isPageNavigation } from "../route-policy.js";

const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../dist/web");

/**
 * Serves the built React UI. Hashed assets (one route, /assets/*) may be cached for a year; index.html never is.
 * A request no route matches is answered here: a browser navigation to a page path gets index.html so the UI's own
 * router takes over, anything else one uniform 404 (an OperationOutcome under /fhir, an ApiError elsewhere, chosen
 * by routePolicyOf from the decoded path).
 */
export async function registerWebUi(app: FastifyInstance): Promise<void> {
  const isBuilt = existsSync(path.join(webRoot, "index.html"));
  await app.register(async (files) => {
    // The UI's files: no session, not counted (a page load fetches several), never audited.
    declareRoutePolicy(files, { authentication: "none", rateLimits: [], errorFormat: "api", inspection: "standard", audit: "none", whileReadOnly: "refuse-writes" });
    await files.register(fastifyStatic, {
      root: path.join(webRoot, "assets"),
      prefix: "/assets/",
      index: false,
      list: false,
      wildcard: true,
      // Only hashed file names live here; a missing one falls through to the uniform 404 below.
      setHeaders: (res) => {
        res.header("cache-control", "public, max-age=31536000, immutable");
      },
    });
  });
  app.setNotFoundHandler(async (request, reply) => {
    if (isBuilt && isPageNavigation(request.method, request.url)) {
      return reply.header("cache-control", "no-store").type("text/html; charset=utf-8").send(createReadStream(path.join(webRoot, "index.html")));
    }
    throw new AppError("http.not_found");
  });
}
