import type { AuditEntry } from "../audit/index.js";
import type { Clock, RequestOrigin } from "../kernel/index.js";
import type { CounterStore } from "./counter-store.js";

/** The classes of limit: per client address, per address on authentication endpoints, per account, per OAuth client. */
export type RateLimitClass = "ip" | "auth" | "account" | "client";

export interface RateLimitPolicy {
  limit: number;
  windowMs: number;
}

/** One subject counted against one class, e.g. { class: "account", subject: <account id> }. */
export interface RateLimitCharge {
  class: RateLimitClass;
  subject: string;
}

/** The state of one class after a hit, for the RateLimit headers and the 429 answer. */
export interface RateLimitState {
  class: RateLimitClass;
  limit: number;
  windowMs: number;
  remaining: number;
  resetAt: Date;
  exceeded: boolean;
}

export interface RateLimiter {
  /** The configured policy of a class, undefined when that class is off. */
  policy(name: RateLimitClass): RateLimitPolicy | undefined;
  /**
   * Counts one request against each charge whose class is on. An over-limit charge is audited once per subject and
   * window (`defence.rate_limited`). When the store (or the audit of an over-limit hit) fails, what was counted stands, the rest is let through and `onError` told:
   * limits protect availability, so an unavailable counter must not take the service down with it.
   */
  charge(charges: readonly RateLimitCharge[], who: { network: RequestOrigin; accountId?: string | undefined; client?: string | undefined }): Promise<RateLimitState[]>;
}

const purgeEveryMs = 60_000;

/** Builds the limiter over a counter store (Redis or database), the policies per class and the audit trail. */
export function createRateLimiter(deps: {
  store: CounterStore;
  clock: Clock;
  policies: Partial<Record<RateLimitClass, RateLimitPolicy>>;
  audit: { record(entry: AuditEntry): Promise<unknown> };
  onError: (error: unknown) => void;
}): RateLimiter {
  let nextPurgeAt = 0;

  async function purgeWhenDue(now: Date): Promise<void> {
    if (now.getTime() < nextPurgeAt) return;
    nextPurgeAt = now.getTime() + purgeEveryMs;
    await deps.store.purgeExpired(now);
  }

  return {
    policy: (name) => deps.policies[name],
    async charge(charges, who) {
      const now = deps.clock.now();
      const states: RateLimitState[] = [];
      try {
        await purgeWhenDue(now);
        for (const charge of charges) {
          const policy = deps.policies[charge.class];
          if (!policy) continue;
          const counted = await deps.store.hit(`${charge.class}:${charge.subject}`, policy.windowMs, now);
          const exceeded = counted.count > policy.limit;
          states.push({ class: charge.class, ...policy, remaining: Math.max(0, policy.limit - counted.count), resetAt: counted.resetAt, exceeded });
          // The count is atomic across nodes, so exactly one request per subject and window sees limit + 1.
          if (counted.count === policy.limit + 1) {
            await deps.audit.record({
              action: "defence.rate_limited",
              outcome: "denied",
              reasonCode: `rate_limit.${charge.class}`,
              actor: { accountId: who.accountId, client: who.client },
              resource: { type: "RateLimit", id: charge.class },
              network: who.network,
            });
          }
          if (exceeded) break;
        }
      } catch (error) {
        deps.onError(error);
      }
      return states;
    },
  };
}
