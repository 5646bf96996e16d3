import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";

/**
 * Strict browser security headers on every response: a CSP with no inline script or style, HSTS for two years,
 * no framing, no referrer, no MIME sniffing, no powerful browser features (OWASP ASVS 5.0 V3.4).
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // blob: for sanitised uploaded images the chart shows from memory (fetched with the session, never by URL).
        imgSrc: ["'self'", "data:", "blob:"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        // blob: only, for the chart's viewer of sanitised PDF uploads held in memory; nothing else may be framed.
        frameSrc: ["blob:"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: [],
      },
    },
    strictTransportSecurity: { maxAge: 63_072_000, includeSubDomains: true },
    referrerPolicy: { policy: "no-referrer" },
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: { policy: "same-origin" },
    crossOriginResourcePolicy: { policy: "same-origin" },
    xFrameOptions: { action: "deny" },
  });
  app.addHook("onSend", async (_request, reply) => {
    reply.header("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()");
    // Medical data must not linger in browser or proxy caches; static assets opt back in where they are safe.
    if (!reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
  });
}
