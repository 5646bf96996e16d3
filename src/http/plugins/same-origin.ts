import type { FastifyInstance } from "fastify";
import { AppError } from "../../kernel/index.js";

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF defence for cookie-authenticated writes (OWASP CSRF Prevention: verify origin with standard headers):
 * a state-changing request must say it comes from our own origin. Together with the SameSite=Strict cookie this
 * refuses cross-site requests even from browsers that ignore SameSite.
 */
export function registerSameOriginCheck(app: FastifyInstance, publicUrl: URL): void {
  const expected = publicUrl.origin;
  app.addHook("onRequest", async (request) => {
    if (safeMethods.has(request.method)) return;
    const origin = request.headers.origin;
    const fetchSite = request.headers["sec-fetch-site"];
    if (fetchSite !== undefined && fetchSite !== "same-origin" && fetchSite !== "none") throw new AppError("http.cross_origin_refused");
    if (origin !== expected) throw new AppError("http.cross_origin_refused", { detail: "origin header missing or foreign" });
  });
}
