import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { scopesPermit, type ScopedInteraction } from "../../access/index.js";
import { AppError, type Principal } from "../../kernel/index.js";
import type { Oidc } from "../../identity/index.js";
import type { Sessions } from "../../session/index.js";

/** `__Host-` prefix: the browser accepts it only with Secure, Path=/ and no Domain (RFC 6265bis §4.1.3.2). */
export const sessionCookieName = "__Host-mamori_session";

/** The client application of cookie sessions: Mamori's own web UI, whose server holds the session (BFF). */
const webClient = "mamori-web";

/**
 * Resolves the credentials of every request before its route runs: a bearer access token when the request sends
 * an Authorization header (so the per-account and per-client rate limits can count it), otherwise the session
 * cookie, enforcing the idle and absolute limits as it does.
 */
export function registerAuthentication(app: FastifyInstance, sessions: Sessions, oidc: Oidc): void {
  app.addHook("preHandler", async (request, reply) => {
    if (request.headers.authorization !== undefined) {
      const bearer = bearerTokenOf(request);
      request.bearer = bearer
        ? await oidc.principalOfBearer(bearer, request.origin).then(
            (principal) => ({ principal }),
            (refused: unknown) => ({ refused }),
          )
        : { refused: new AppError("oauth.invalid_token") };
      return;
    }
    const token = request.cookies[sessionCookieName];
    if (!token) return;
    const { session, expiredReason } = await sessions.sessions.resolve(token, request.origin);
    request.webSession = session;
    request.sessionEndReason = expiredReason;
    if (!session) clearSessionCookie(reply);
  });
}

export function setSessionCookie(reply: FastifyReply, token: string): void {
  reply.setCookie(sessionCookieName, token, { path: "/", secure: true, httpOnly: true, sameSite: "strict" });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName, { path: "/", secure: true, httpOnly: true, sameSite: "strict" });
}

/**
 * The principal of a fully signed-in session (password and second factor).
 * @throws {AppError} `session.expired` after a time limit, `session.required` otherwise.
 */
export function requirePrincipal(request: FastifyRequest): Principal {
  const session = request.webSession;
  if (session?.stage === "active") {
    return { accountId: session.accountId, roles: session.roles, sessionId: session.id, network: request.origin, patientId: session.patientId, client: webClient };
  }
  throw new AppError(request.sessionEndReason === "session.idle_timeout" ? "session.expired" : "session.required");
}

/** The token of an `Authorization: Bearer` header (RFC 6750 §2.1), if the request carries one. */
export function bearerTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === "string" ? /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(header) : null;
  return match?.[1];
}

/**
 * The principal of an API request: an OAuth bearer access token when one is sent (its account, client and scopes),
 * otherwise the browser's web session.
 * @throws {AppError} `oauth.invalid_token` (with a WWW-Authenticate challenge), `session.required`, `session.expired`.
 */
export async function requireApiPrincipal(request: FastifyRequest, reply: FastifyReply, oidc: Oidc): Promise<Principal> {
  if (request.headers.authorization === undefined) return requirePrincipal(request);
  const bearer = request.bearer;
  if (bearer && "principal" in bearer) return bearer.principal;
  void reply.header("www-authenticate", 'Bearer error="invalid_token"');
  await oidc.auditRefusedBearer(request.origin);
  throw bearer?.refused ?? new AppError("oauth.invalid_token");
}

/**
 * `requireApiPrincipal` for routes whose module does not check scopes itself (the audit trail as AuditEvent): a
 * bearer token must also carry a scope for the interaction.
 * @throws {AppError} as `requireApiPrincipal`, and `access.denied` when the token's scopes do not allow it.
 */
export async function requireScopedPrincipal(request: FastifyRequest, reply: FastifyReply, oidc: Oidc, wanted: { interaction: ScopedInteraction; resourceType: string }): Promise<Principal> {
  const principal = await requireApiPrincipal(request, reply, oidc);
  if (principal.scopes && !scopesPermit(principal.scopes, { ...wanted, launchPatient: principal.patientId })) throw new AppError("access.denied", { detail: "oauth.insufficient_scope" });
  return principal;
}
