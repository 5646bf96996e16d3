import cookie from "@fastify/cookie";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { Logger } from "pino";
import type { HttpServices } from "./context.js";
import { sendError } from "./errors.js";
import { registerAuthentication } from "./plugins/authenticate.js";
import { registerAccountRateLimit, registerAddressRateLimit } from "./plugins/rate-limit.js";
import { registerReadOnlyMode } from "./plugins/read-only-mode.js";
import { registerIpBlock } from "./plugins/ip-block.js";
import { registerRequestContext } from "./plugins/request-context.js";
import { registerRequestLog } from "./plugins/request-log.js";
import { registerRequestMetrics } from "./plugins/metrics.js";
import { trustProxyOption } from "../ops/trusted-proxies.js";
import { registerSameOriginCheck } from "./plugins/same-origin.js";
import { registerSecurityHeaders } from "./plugins/security-headers.js";
import { registerRequestInspection } from "./plugins/waf.js";
import { routeGroups } from "./routes/index.js";
import { registerWebUi } from "./routes/web.js";
import { collectRoutes, type DeclaredRoute } from "./route-policy.js";
import { tlsOptions, type TlsMaterial } from "./tls.js";

const bodyLimitBytes = 4 * 1024 * 1024;

declare module "fastify" {
  interface FastifyInstance {
    /** Every registered route with its declared policy (docs/endpoints.md, test/route-policy.test.ts). */
    declaredRoutes(): DeclaredRoute[];
  }
}

/**
 * Builds the HTTPS application. The order below is the order every request meets:
 * TLS → request context → rate limit per address → security headers → blocked-address refusal → request inspection
 * (WAF: head in onRequest, form bodies in preParsing, JSON bodies in preValidation; see plugins/waf.ts) → same-origin
 * check → read-only mode (incidents) → body parsing (limits, poisoning-safe JSON)
 * → session resolution (idle/absolute limits) → rate limit per account → route (authorize, store, audit inside the modules) → errors.
 * Each hook decides by the policy its route declares (route-policy.ts), never by the URL string; a request no route
 * matches meets the same hooks under the unmatched policy and gets one uniform 404 (routes/web.ts).
 */
export async function buildApp(services: HttpServices, tls: TlsMaterial, logger: Logger): Promise<FastifyInstance> {
  // Typed as the plain instance: the HTTPS server type changes nothing our plugins rely on.
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Fastify's own request lines carry the URL; request-log.ts writes ours with the route pattern instead.
    logController: new LogController({ disableRequestLogging: true }),
    https: { key: tls.key, cert: tls.cert, ...tlsOptions },
    bodyLimit: bodyLimitBytes,
    // Strict JSON: a body that tries to set __proto__ or constructor.prototype is refused, not merged.
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    requestIdHeader: false,
    // Forwarded headers only from MAMORI_TRUSTED_PROXIES; otherwise request.ip is the peer (see ops/trusted-proxies.ts).
    trustProxy: trustProxyOption(services.config.trustedProxies),
    return503OnClosing: true,
    // A path the router cannot decode (`/%zz`) is answered before any hook; in our error format, not Fastify's, which
    // quotes the path back.
    frameworkErrors: (error, request, reply) => void sendError(error, request, reply),
  }) as unknown as FastifyInstance;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.decorate("declaredRoutes", collectRoutes(app));

  registerRequestContext(app);
  registerAddressRateLimit(app, services.rateLimiter, services.clock);
  await registerSecurityHeaders(app);
  registerIpBlock(app, services.ids.checks);
  registerRequestInspection(app, { config: services.config, audit: services.audit, bodyLimit: bodyLimitBytes });
  registerSameOriginCheck(app, services.config.publicUrl);
  registerReadOnlyMode(app, async () => (await services.incidents.serviceMode()).readOnly);
  app.addContentTypeParser(["application/fhir+json"], { parseAs: "string" }, app.getDefaultJsonParser("error", "error"));
  await app.register(cookie);
  registerAuthentication(app, services.sessions, services.oidc);
  registerAccountRateLimit(app, services.rateLimiter, services.clock);
  registerRequestLog(app);
  registerRequestMetrics(app, services.operations.metrics, services.config.waf.mode === "block");

  const typed = app.withTypeProvider<ZodTypeProvider>();
  for (const group of routeGroups(services)) await typed.register(group);
  await registerWebUi(app);
  return app;
}
