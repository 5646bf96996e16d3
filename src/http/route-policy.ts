import type { FastifyInstance, FastifyRequest } from "fastify";
import type { RateLimitClass } from "../rate-limit/index.js";

/**
 * Who may call a route. The handler enforces it (requirePrincipal, requireApiPrincipal, the step-up guard, the
 * provider itself); the declaration says which one it is, for the hooks and for docs/endpoints.md.
 * - `none`: anyone; `sign-in`: the sign-in steps, with a session at any stage or none yet;
 * - `session`: a fully signed-in web session; `step-up`: the same with a recent second factor;
 * - `bearer-or-session`: an OAuth bearer access token or the web session;
 * - `oauth-client`: OAuth client authentication, never a browser cookie (RFC 6749 §3.2, RFC 7009, RFC 7662);
 * - `provider`: whatever the OpenID provider's endpoint requires (its own session, a client or a bearer token);
 * - `metrics-access`: an allow-listed address or the metrics bearer token.
 */
export const authenticationModes = ["none", "sign-in", "session", "step-up", "bearer-or-session", "oauth-client", "provider", "metrics-access"] as const;
export type AuthenticationMode = (typeof authenticationModes)[number];

/** The request budgets a route counts against (`client` is charged only when a bearer token names one). */
export const rateLimitClasses = ["ip", "auth", "account", "client"] as const satisfies readonly RateLimitClass[];

/** How errors are answered: FHIR OperationOutcome (R4 operationoutcome.html) or the API's `{ code, message }`. */
export const errorFormats = ["fhir", "api"] as const;
export type ErrorFormat = (typeof errorFormats)[number];

/**
 * What request inspection (plugins/waf.ts) does with the body: `standard` inspects JSON and form bodies and accepts
 * only those media types; `binary-upload` also accepts the upload types and leaves the file to the uploads
 * sanitiser; `provider` leaves form bodies unread for the OpenID provider, which parses them itself.
 */
export const inspectionProfiles = ["standard", "binary-upload", "provider"] as const;
export type InspectionProfile = (typeof inspectionProfiles)[number];

/** The family of audit actions the route's module records (`fhir.read`, `auth.sign_in`…); `none` for probes and static files. */
export const auditCategories = ["fhir", "upload", "auth", "identity", "access", "audit", "backup", "keys", "compliance", "ids", "incident", "oauth", "none"] as const;
export type AuditCategory = (typeof auditCategories)[number];

/** Whether a write goes ahead while the service is read-only (incident response); reads always do. */
export const readOnlyHandlings = ["refuse-writes", "serve"] as const;
export type ReadOnlyHandling = (typeof readOnlyHandlings)[number];

/** The checks a request meets before its handler, declared by its route instead of guessed from its URL. */
export interface RoutePolicy {
  authentication: AuthenticationMode;
  /** Empty: not counted (probes, the web UI's files). */
  rateLimits: readonly RateLimitClass[];
  errorFormat: ErrorFormat;
  inspection: InspectionProfile;
  audit: AuditCategory;
  whileReadOnly: ReadOnlyHandling;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Set per route, over the defaults of its route group (see `declareRoutePolicy`). */
    policy?: Partial<RoutePolicy>;
  }
}

/**
 * Gives every route registered after it in this plugin (and its children) the group's policy, under whatever the
 * route's own `config.policy` says. Call it first in a route group.
 */
export function declareRoutePolicy(app: FastifyInstance, defaults: RoutePolicy): void {
  app.addHook("onRoute", (route) => {
    // Mutated in place so the inventory (which keeps the same options object) sees the merged policy.
    route.config = Object.assign(route.config ?? {}, { policy: { ...defaults, ...route.config?.policy } });
  });
}

/** An API route of the web UI's session (cookie) that bearer tokens may also be counted on. */
export function sessionApi(audit: AuditCategory, overrides: Partial<RoutePolicy> = {}): RoutePolicy {
  return { authentication: "session", rateLimits: ["ip", "account", "client"], errorFormat: "api", inspection: "standard", audit, whileReadOnly: "refuse-writes", ...overrides };
}

/** A FHIR R4 route: bearer token or session, OperationOutcome errors. */
export function fhirApi(audit: AuditCategory, overrides: Partial<RoutePolicy> = {}): RoutePolicy {
  return { authentication: "bearer-or-session", rateLimits: ["ip", "account", "client"], errorFormat: "fhir", inspection: "standard", audit, whileReadOnly: "refuse-writes", ...overrides };
}

/** Whether a declaration names every check with a known value. */
export function isCompletePolicy(policy: Partial<RoutePolicy> | undefined): policy is RoutePolicy {
  if (!policy) return false;
  const has = <T extends string>(values: readonly T[], value: unknown) => typeof value === "string" && (values as readonly string[]).includes(value);
  return (
    has(authenticationModes, policy.authentication) &&
    Array.isArray(policy.rateLimits) &&
    policy.rateLimits.every((entry) => has(rateLimitClasses, entry)) &&
    has(errorFormats, policy.errorFormat) &&
    has(inspectionProfiles, policy.inspection) &&
    has(auditCategories, policy.audit) &&
    has(readOnlyHandlings, policy.whileReadOnly)
  );
}

/**
 * The policy a request is handled under: its route's declaration, or `unmatchedPolicy` when no route matched. A
 * route without a complete declaration (which test/route-policy.test.ts refuses) gets every check.
 */
export function routePolicyOf(request: FastifyRequest): RoutePolicy {
  if (request.routeOptions.url === undefined) return unmatchedPolicy(request.method, request.url);
  const declared = request.routeOptions.config?.policy;
  if (isCompletePolicy(declared)) return declared;
  return { ...unmatchedPolicy(request.method, request.url), rateLimits: ["ip", "account", "client"], whileReadOnly: "refuse-writes" };
}

const maxDecodeRounds = 3;

/**
 * The path as the router and a client would read it: percent-decoded (repeatedly, so `%2561` is seen as `a`),
 * lower-cased, with repeated slashes collapsed. Used only to choose how to answer a request no route matched.
 */
export function normalisedPath(url: string): string {
  let path = url.split("?", 1)[0] ?? "";
  for (let round = 0; round < maxDecodeRounds && path.includes("%"); round += 1) {
    try {
      path = decodeURIComponent(path);
    } catch {
      break;
    }
  }
  return path.toLowerCase().replace(/\/{2,}/g, "/");
}

/** Whether an unmatched request is a browser navigation to a page of the web UI (its router takes over). */
export function isPageNavigation(method: string, url: string): boolean {
  const path = normalisedPath(url);
  return method === "GET" && !isUnder(path, "/api") && !isUnder(path, "/fhir") && !isUnder(path, "/oidc") && !/\.[^/]*$/.test(path);
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/**
 * The policy of a request that matched no route: counted by address and inspected like any other, answered 404 as an
 * OperationOutcome under /fhir and as an ApiError elsewhere. Page navigations get the web UI's index.html and, like
 * its files, are not counted.
 */
export function unmatchedPolicy(method: string, url: string): RoutePolicy {
  const isPage = isPageNavigation(method, url);
  return {
    authentication: "none",
    rateLimits: isPage ? [] : ["ip"],
    errorFormat: isUnder(normalisedPath(url), "/fhir") ? "fhir" : "api",
    inspection: "standard",
    audit: "none",
    // Nothing is written by a 404, so read-only mode has nothing to refuse.
    whileReadOnly: "serve",
  };
}

/** A registered route and its declared policy, as docs/endpoints.md and the completeness test read them. */
export interface DeclaredRoute {
  methods: string[];
  url: string;
  policy: Partial<RoutePolicy> | undefined;
}

/**
 * Records every route the app registers (with its options object, whose config the groups' hooks complete after
 * this hook has run). Register it on the root instance before any route.
 */
export function collectRoutes(app: FastifyInstance): () => DeclaredRoute[] {
  const routes: Array<{ method: string | string[]; url: string; options: { config?: { policy?: Partial<RoutePolicy> } } }> = [];
  app.addHook("onRoute", (route) => {
    routes.push({ method: route.method, url: route.url, options: route });
  });
  return () => routes.map((route) => ({ methods: [route.method].flat(), url: route.url, policy: route.options.config?.policy }));
}
