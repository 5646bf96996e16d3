import { isIPv6 } from "node:net";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError, type Clock } from "../../kernel/index.js";
import { rateLimitHeaders, retryAfterSeconds, type RateLimitCharge, type RateLimiter, type RateLimitState } from "../../rate-limit/index.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The limits this request was counted against so far, for the RateLimit headers. */
    rateLimits: RateLimitState[];
  }
}

/** The API surfaces a scraper or a password guesser uses; the web UI's static files are not counted. */
const limitedPaths = /^\/(api|fhir|oidc)\//;
/** Sign-in, second factor and invitation endpoints: the stricter `auth` class per address (AUTH-7). */
const authenticationPaths = /^\/api\/(auth|invitations)\//;

/**
 * Counts each API request against its client address before anything else is done for it (and, on authentication
 * endpoints, against the stricter `auth` class). Over the limit: 429 `http.rate_limited` with Retry-After.
 */
export function registerAddressRateLimit(app: FastifyInstance, limiter: RateLimiter, clock: Clock): void {
  app.decorateRequest("rateLimits", undefined as unknown as RateLimitState[]);
  app.addHook("onRequest", async (request, reply) => {
    request.rateLimits = [];
    if (!limitedPaths.test(request.url)) return;
    const subject = addressSubject(request.ip);
    const charges: RateLimitCharge[] = [{ class: "ip", subject }];
    if (authenticationPaths.test(request.url)) charges.push({ class: "auth", subject });
    await enforce(request, reply, limiter, clock, charges, {});
  });
}

/**
 * Counts each API request against the account behind it, from whatever address, once authentication has run.
 * Cookie sessions belong to Mamori's own web UI, so only the account is counted; a bearer token's requests count
 * against its account and its OAuth client too.
 */
export function registerAccountRateLimit(app: FastifyInstance, limiter: RateLimiter, clock: Clock): void {
  app.addHook("preHandler", async (request, reply) => {
    if (!limitedPaths.test(request.url)) return;
    const bearer = request.bearer && "principal" in request.bearer ? request.bearer.principal : undefined;
    const accountId = bearer?.accountId ?? request.webSession?.accountId;
    if (!accountId) return;
    const charges: RateLimitCharge[] = [{ class: "account", subject: accountId }];
    if (bearer?.client) charges.push({ class: "client", subject: bearer.client });
    await enforce(request, reply, limiter, clock, charges, { accountId, ...(bearer?.client ? { client: bearer.client } : {}) });
  });
}

async function enforce(
  request: FastifyRequest,
  reply: FastifyReply,
  limiter: RateLimiter,
  clock: Clock,
  charges: RateLimitCharge[],
  who: { accountId?: string; client?: string },
): Promise<void> {
  const states = await limiter.charge(charges, { network: request.origin, ...who });
  request.rateLimits.push(...states);
  const now = clock.now();
  const headers = rateLimitHeaders(request.rateLimits, now);
  if (headers) void reply.headers(headers);
  if (states.some((state) => state.exceeded)) {
    void reply.header("retry-after", String(retryAfterSeconds(states, now)));
    throw new AppError("http.rate_limited");
  }
}

/**
 * The counted subject of an address. An IPv6 client usually holds a whole /64, so it is counted per /64; an
 * IPv4-mapped IPv6 address counts as its IPv4 address.
 */
export function addressSubject(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = "", tail = ""] = ip.split("%")[0]!.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = ip.includes("::") ? (tail ? tail.split(":") : []) : [];
  const groups = ip.includes("::") ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups] : headGroups;
  return `${groups.slice(0, 4).map((group) => group.toLowerCase().replace(/^0+(?=.)/, "")).join(":")}::/64`;
}
