import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { AppError } from "../../kernel/index.js";

const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../dist/web");

/**
 * Serves the built React UI. Hashed assets may be cached for a year; index.html never is. Any other GET for a
 * page path answers index.html so the UI's own router takes over.
 */
export async function registerWebUi(app: FastifyInstance): Promise<void> {
  const built = existsSync(path.join(webRoot, "index.html"));
  if (built) {
    await app.register(fastifyStatic, {
      root: webRoot,
      index: false,
      wildcard: false,
      setHeaders: (res, filePath) => {
        res.header("cache-control", filePath.includes(`${path.sep}assets${path.sep}`) ? "public, max-age=31536000, immutable" : "no-store");
      },
    });
  }
  app.setNotFoundHandler(async (request, reply) => {
    const isPage = request.method === "GET" && !request.url.startsWith("/api/") && !request.url.startsWith("/fhir/") && !path.extname(request.url.split("?")[0] ?? "");
    if (isPage && built) return reply.header("cache-control", "no-store").sendFile("index.html");
    throw new AppError("http.not_found");
  });
}
