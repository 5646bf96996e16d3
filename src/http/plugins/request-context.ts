import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Principal, RequestOrigin } from "../../kernel/index.js";
import type { LiveSession } from "../../session/index.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The browser session behind the cookie, at whatever sign-in stage. */
    webSession: LiveSession | undefined;
    /** Set when the cookie's session just ended by a time limit, to tell the user why. */
    sessionEndReason: string | undefined;
    /** What an `Authorization: Bearer` header resolved to: the token's principal, or why it was refused. */
    bearer: { principal: Principal } | { refused: unknown } | undefined;
    origin: RequestOrigin;
  }
}

const maxUserAgentLength = 256;

/** Records where each request came from, for the audit trail. */
export function requestOriginOf(request: FastifyRequest): RequestOrigin {
  const userAgent = request.headers["user-agent"] ?? "";
  return { ip: request.ip, userAgent: userAgent.slice(0, maxUserAgentLength) };
}

export function registerRequestContext(app: FastifyInstance): void {
  app.decorateRequest("webSession", undefined);
  app.decorateRequest("sessionEndReason", undefined);
  app.decorateRequest("bearer", undefined);
  app.decorateRequest("origin", undefined as unknown as RequestOrigin);
  app.addHook("onRequest", async (request) => {
    request.origin = requestOriginOf(request);
  });
}
