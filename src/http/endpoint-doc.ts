import type { DeclaredRoute, RoutePolicy } from "./route-policy.js";

/** Markdown for one policy value; an undeclared one shows as a gap the completeness test refuses. */
function cell(value: string | readonly string[] | undefined): string {
  if (value === undefined) return "**undeclared**";
  if (typeof value === "string") return value;
  return value.length === 0 ? "none" : value.join(", ");
}

/** Methods in a stable order, with the HEAD Fastify adds to every GET folded into it. */
function methodsOf(methods: readonly string[]): string {
  const order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"];
  const sorted = [...new Set(methods)].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
  return sorted.length > 6 ? "any" : sorted.join(", ");
}

const readMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * docs/endpoints.md: which checks guard which endpoint, generated from the same route declarations the hooks read,
 * so the table cannot drift from what the service does.
 */
export function renderEndpointsDoc(routes: readonly DeclaredRoute[]): string {
  const merged = new Map<string, { methods: string[]; url: string; policy: Partial<RoutePolicy> | undefined }>();
  for (const route of routes) {
    const key = `${route.url}\n${JSON.stringify(route.policy ?? null)}`;
    const seen = merged.get(key);
    if (seen) seen.methods.push(...route.methods);
    else merged.set(key, { methods: [...route.methods], url: route.url, policy: route.policy });
  }
  const rows = [...merged.values()]
    .sort((a, b) => a.url.localeCompare(b.url) || methodsOf(a.methods).localeCompare(methodsOf(b.methods)))
    .map(({ methods, url, policy }) =>
      `| ${methodsOf(methods)} | \`${url}\` | ${cell(policy?.authentication)} | ${cell(policy?.rateLimits)} | ${cell(policy?.errorFormat)} | ${cell(policy?.inspection)} | ${cell(policy?.audit)} | ${methods.every((method) => readMethods.has(method)) ? "(reads)" : cell(policy?.whileReadOnly)} |`,
    );
  return [
    "# Endpoints",
    "",
    "Generated from the route declarations (`config.policy` of each route over its group's defaults, see",
    "`src/http/route-policy.ts`) by `npm run docs`; do not edit by hand. The hooks in `src/http/app.ts` read these",
    "declarations from the route the router matched, never the URL string, so a percent-encoded path meets the checks of",
    "the route it reaches.",
    "",
    "- **authentication**: who may call it (enforced by the handler): `none`, `sign-in` (the sign-in steps), `session`",
    "  (fully signed-in web session), `step-up` (with a recent second factor), `bearer-or-session`, `oauth-client`,",
    "  `provider` (the OpenID provider's own rules), `metrics-access` (allow-listed address or metrics token).",
    "- **rate limits**: the budgets counted (`docs/configuration.md`, MAMORI_RATE_LIMIT_*); `client` only for bearer tokens.",
    "- **errors**: `fhir` answers OperationOutcome, `api` answers `{ code, message }` (`docs/errors.md`).",
    "- **inspection**: the request inspection profile: `standard` (JSON and form bodies), `binary-upload` (also the",
    "  upload media types; the file is left to the uploads sanitiser), `provider` (form bodies left to the provider).",
    "- **audit**: the family of audit actions the route's module records; `none` for probes, discovery and static files.",
    "- **read-only mode**: whether writes go on (`serve`) or get 503 (`refuse-writes`) during incident read-only mode;",
    "  reads always go on.",
    "",
    "A request no route matches is counted against its address (`ip`), inspected (`standard`) and answered one uniform",
    "404 `http.not_found`: an OperationOutcome when its decoded path is under /fhir, an ApiError otherwise; a browser",
    "navigation (GET of a path outside /api, /fhir and /oidc without a file extension) gets the web UI's index.html",
    "instead and is not counted.",
    "",
    "| method | path | authentication | rate limits | errors | inspection | audit | read-only mode |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}
