import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError, type Principal } from "../../kernel/index.js";
import type { Sessions } from "../../session/index.js";

/** `__Host-` prefix: the browser accepts it only with Secure, Path=/ and no Domain (RFC 6265bis §4.1.3.2). */
export const sessionCookieName = "__Host-mamori_session";

/** The client application of cookie sessions: Mamori's own web UI, whose server holds the session (BFF). */
const webClient = "mamori-web";

/** Resolves the session cookie on every request, enforcing the idle and absolute limits as it does. */
export function registerAuthentication(app: FastifyInstance, sessions: Sessions): void {
  app.addHook("preHandler", async (request, reply) => {
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
