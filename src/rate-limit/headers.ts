import type { RateLimitState } from "./limiter.js";

/**
 * The RateLimit-Policy and RateLimit fields of draft-ietf-httpapi-ratelimit-headers-10 (§3, §4): Structured
 * Field lists with one item per policy, named by class: `"ip";q=1200;w=60` and `"ip";r=1150;t=42`.
 */
export function rateLimitHeaders(states: readonly RateLimitState[], now: Date): { "ratelimit-policy": string; ratelimit: string } | undefined {
  if (states.length === 0) return undefined;
  return {
    "ratelimit-policy": states.map((state) => `"${state.class}";q=${state.limit};w=${Math.ceil(state.windowMs / 1000)}`).join(", "),
    ratelimit: states.map((state) => `"${state.class}";r=${state.remaining};t=${secondsUntil(state.resetAt, now)}`).join(", "),
  };
}

/** Seconds a refused client should wait (RFC 9110 §10.2.3 Retry-After): until the latest reset among exceeded limits. */
export function retryAfterSeconds(states: readonly RateLimitState[], now: Date): number {
  return Math.max(1, ...states.filter((state) => state.exceeded).map((state) => secondsUntil(state.resetAt, now)));
}

function secondsUntil(at: Date, now: Date): number {
  return Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 1000));
}
