import { isIPv6 } from "node:net";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError, type Clock } from "../../kernel/index.js";
import { rateLimitHeaders, retryAfterSeconds, type RateLimitCharge, type RateLimiter, type RateLimitState } from "../../rate-limit/index.js";
import { routePolicyOf } from "../route-policy.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The limits this request was counted against so far, for the RateLimit headers. */
    rateLimits: RateLimitState[];
  }
}

/**
 * Counts each request against its client address before anything else is done for it, when its route's policy
 * names the `ip` class (the API surfaces a scraper or a password guesser uses, and every request no route matched),
 * and against the stricter `auth` class on the sign-in and invitation routes (AUTH-7). The route is the one the
 * router matched on the decoded path, so `/%61pi/auth/login` counts as `/api/auth/login`. Over the limit: 429
 * `http.rate_limited` with Retry-After.
 */
export function registerAddressRateLimit(app: FastifyInstance, limiter: RateLimiter, clock: Clock): void {
  app.decorateRequest("rateLimits", undefined as unknown as RateLimitState[]);
  app.addHook("onRequest", async (request, reply) => {
    request.rateLimits = [];
    const classes = routePolicyOf(request).rateLimits;
    const subject = addressSubject(request.ip);
    const charges: RateLimitCharge[] = (["ip", "auth"] as const).filter((name) => classes.includes(name)).map((name) => ({ class: name, subject }));
    if (charges.length === 0) return;
    await enforce(request, reply, limiter, clock, charges, {});
  });
}

/**
 * Counts each request of a route whose policy names the `account` class against the account behind it, from
 * whatever address, once authentication has run. Cookie sessions belong to Mamori's own web UI, so only the account
 * is counted; a bearer token's requests count against its account and, under the `client` class, its OAuth client.
 */
export function registerAccountRateLimit(app: FastifyInstance, limiter: RateLimiter, clock: Clock): void {
  app.addHook("preHandler", async (request, reply) => {
    const classes = routePolicyOf(request).rateLimits;
    if (!classes.includes("account")) return;
    const bearer = request.bearer && "principal" in request.bearer ? request.bearer.principal : undefined;
    const accountId = bearer?.accountId ?? request.webSession?.accountId;
    if (!accountId) return;
    const charges: RateLimitCharge[] = [{ class: "account", subject: accountId }];
    if (bearer?.client && classes.includes("client")) charges.push({ class: "client", subject: bearer.client });
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
