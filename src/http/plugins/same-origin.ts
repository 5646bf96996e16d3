import type { FastifyInstance } from "fastify";
import { AppError } from "../../kernel/index.js";
import { routePolicyOf } from "../route-policy.js";

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
    // A bearer token is not sent by the browser on its own, so it cannot be forged cross-site (RFC 6750).
    if (request.headers.authorization?.startsWith("Bearer ") && !request.headers.cookie) return;
    // OAuth endpoints that authenticate the client, not a browser cookie (RFC 6749 §3.2, RFC 7009, RFC 7662): called
    // server to server without an Origin header, or cross-origin by public SMART apps through CORS.
    if (routePolicyOf(request).authentication === "oauth-client") return;
    const origin = request.headers.origin;
    const fetchSite = request.headers["sec-fetch-site"];
    if (fetchSite !== undefined && fetchSite !== "same-origin" && fetchSite !== "none") throw new AppError("http.cross_origin_refused");
    if (origin !== expected) throw new AppError("http.cross_origin_refused", { detail: "origin header missing or foreign" });
  });
}
