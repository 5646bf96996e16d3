import { createHash } from "node:crypto";
import { actorOf, type Audit } from "../audit/index.js";
import type { Database } from "../db/index.js";
import { AppError, type Clock, type Principal, type RequestOrigin } from "../kernel/index.js";
import { createLockoutStore, type ThrottleRow, type ThrottleScope } from "./lockout-store.js";

export interface LockoutPolicy {
  /** Failures on one account (or one unknown e-mail) from one client address that lock that address out of it. */
  threshold: number;
  /** Failures on one account from all addresses together that lock it everywhere, once, for `lockMs`. */
  accountThreshold: number;
  /** Failures from one client IP, across all accounts, that lock that IP out of signing in. */
  ipThreshold: number;
  lockMs: number;
}

export interface LockState {
  failures: number;
  lockedUntil: Date | undefined;
}

// A failure is remembered for a day, so spreading guesses out does not reset the count; a success forgets it.
const failureMemoryMs = 24 * 3_600_000;
// The progressive delay doubles from one second and stops at one minute; the lock takes over from there.
const maxDelayMs = 60_000;

/**
 * Wait before the next attempt after `failures`: the first half of the threshold is free (typing mistakes, and a
 * sign-in's five second-factor tries), then the wait doubles from one second.
 */
export function delayAfter(failures: number, threshold: number): number {
  const free = Math.floor(threshold / 2);
  return failures <= free ? 0 : Math.min(1000 * 2 ** (failures - free - 1), maxDelayMs);
}

/**
 * The account-side counter subject: the SHA-256 of the normalised e-mail, used whether or not an account exists,
 * so a locked unknown address answers exactly like a locked real one and no typed address is stored in clear.
 */
export function accountSubject(email: string): string {
  return createHash("sha256").update(email.normalize("NFC").trim().toLowerCase(), "utf8").digest("hex");
}

/** The counter subject of one account from one client address. */
export function accountSourceSubject(email: string, ip: string): string {
  return `${accountSubject(email)}|${ip}`;
}

/**
 * Brute-force protection for every sign-in step (AUTH-4; OWASP Authentication Cheat Sheet, NIST SP 800-63B §5.2.2).
 * Failures are counted three ways:
 * - per account and client address: a growing "not before" time after each failure, and a lock at the threshold
 *   that each further failure from that address renews. Someone failing on purpose locks only their own address out
 *   of the account; its owner signs in from theirs (OWASP: lockout must not become a denial of service);
 * - per account from all addresses: at a higher threshold the account is locked everywhere for a fixed time that
 *   further failures do not extend, after which the count starts again, so guessing from many addresses is capped
 *   and the owner is never kept out for longer than one lock at a time;
 * - per client address across accounts (password spraying).
 * Refusals carry the wait, which the HTTP layer turns into 429 + Retry-After.
 */
export function createLockout(deps: {
  db: Database;
  audit: Audit;
  clock: Clock;
  policy: LockoutPolicy;
  /** Asks the access policy whether the principal may unlock accounts. */
  mayUnlock: (principal: Principal) => { allowed: boolean; reasonCode: string };
  /** The e-mail of an account, or undefined when there is none. */
  emailOf: (accountId: string) => Promise<string | undefined>;
}) {
  const { db, audit, clock, policy } = deps;
  const store = () => createLockoutStore(db.kysely);
  const thresholdOf = (scope: ThrottleScope) => (scope === "account_source" ? policy.threshold : scope === "account" ? policy.accountThreshold : policy.ipThreshold);

  function keysOf(attempt: { email: string; ip: string }): Array<{ scope: ThrottleScope; subject: string }> {
    return [
      { scope: "account_source", subject: accountSourceSubject(attempt.email, attempt.ip) },
      { scope: "account", subject: accountSubject(attempt.email) },
      { scope: "ip", subject: attempt.ip },
    ];
  }

  /** What `auth.lockout` says was locked: the account (from one address or from all) or the address. */
  const lockReasonOf: Record<ThrottleScope, string> = { account_source: "identity.account_locked", account: "identity.account_locked_all_addresses", ip: "identity.ip_locked" };

  /** The refusal for a counter row at `now`, if any: a lock wins over a delay. */
  function refusalOf(row: ThrottleRow, now: Date): { reasonCode: "identity.sign_in_locked" | "identity.sign_in_delayed"; waitMs: number } | undefined {
    if (row.lockedUntil && row.lockedUntil > now) return { reasonCode: "identity.sign_in_locked", waitMs: row.lockedUntil.getTime() - now.getTime() };
    if (row.notBefore && row.notBefore > now) return { reasonCode: "identity.sign_in_delayed", waitMs: row.notBefore.getTime() - now.getTime() };
    return undefined;
  }

  async function countOne(scope: ThrottleScope, subject: string, now: Date): Promise<{ locked: boolean }> {
    const s = store();
    const failures = await s.countFailure(scope, subject, now, new Date(now.getTime() - failureMemoryMs));
    const locked = failures >= thresholdOf(scope);
    if (scope === "account") {
      // No delay on the account as a whole (anyone could impose it on the owner), and a lock whose end is fixed.
      return { locked: locked && (await s.startFixedLock(scope, subject, now, new Date(now.getTime() + policy.lockMs))) };
    }
    const delay = delayAfter(failures, thresholdOf(scope));
    await s.setDeadlines(scope, subject, {
      notBefore: delay > 0 ? new Date(now.getTime() + delay) : null,
      lockedUntil: locked ? new Date(now.getTime() + policy.lockMs) : null,
    });
    return { locked };
  }

  return {
    /**
     * Refuses an attempt made before its "not before" time or while locked, for the account and the IP alike.
     * The answer is the same for unknown e-mail addresses.
     * @throws {AppError} `identity.sign_in_locked` / `identity.sign_in_delayed` with the seconds to wait.
     */
    async assertMayTry(attempt: { email: string; ip: string }, audited: { action: string; accountId?: string | undefined; sessionId?: string | undefined; origin: RequestOrigin }): Promise<void> {
      const now = clock.now();
      const refusals = (await store().rows(keysOf(attempt))).map((row) => refusalOf(row, now)).filter((refusal) => refusal !== undefined);
      if (refusals.length === 0) return;
      const worst = refusals.reduce((a, b) => (a.waitMs >= b.waitMs ? a : b));
      await audit.record({
        action: audited.action,
        outcome: "failure",
        reasonCode: worst.reasonCode,
        actor: { accountId: audited.accountId, sessionId: audited.sessionId },
        network: audited.origin,
      });
      throw new AppError(worst.reasonCode, { retryAfterSeconds: Math.ceil(worst.waitMs / 1000) });
    },
    /**
     * Counts a failed attempt against the account from this address, the account and the address; audits
     * `auth.lockout` when one of them becomes locked.
     */
    async recordFailure(attempt: { email: string; ip: string; accountId?: string | undefined }, origin: RequestOrigin): Promise<void> {
      const now = clock.now();
      for (const key of keysOf(attempt)) {
        const { locked } = await countOne(key.scope, key.subject, now);
        if (!locked) continue;
        const isAccount = key.scope !== "ip";
        await audit.record({
          action: "auth.lockout",
          outcome: "success",
          reasonCode: lockReasonOf[key.scope],
          actor: { accountId: isAccount ? attempt.accountId : undefined },
          resource: isAccount ? { type: "Account", ...(attempt.accountId ? { id: attempt.accountId } : {}) } : { type: "ClientAddress" },
          network: origin,
        });
      }
    },
    /**
     * A successful sign-in forgets the account's failures from this address. The account-wide count is kept (the
     * owner signing in must not give guessers from elsewhere a fresh allowance), as is the IP's (one valid account
     * must not reset it).
     */
    async recordSuccess(email: string, ip: string): Promise<void> {
      await store().clear("account_source", accountSourceSubject(email, ip));
    },
    /**
     * Lifts an account's lock and forgets its failures; administrators and security officers only (Cedar
     * `unlock_account`). Audited as `auth.unlock`.
     * @throws {AppError} `access.denied`, `identity.account_not_found`.
     */
    async unlock(principal: Principal, accountId: string): Promise<void> {
      const decision = deps.mayUnlock(principal);
      const entry = { action: "auth.unlock", actor: actorOf(principal), resource: { type: "Account", id: accountId }, network: principal.network, reasonCode: decision.reasonCode };
      if (!decision.allowed) {
        await audit.record({ ...entry, outcome: "denied" });
        throw new AppError("access.denied", { detail: decision.reasonCode });
      }
      const email = await deps.emailOf(accountId);
      if (email === undefined) throw new AppError("identity.account_not_found");
      await store().clear("account", accountSubject(email));
      await store().clearSources(accountSubject(email));
      await audit.record({ ...entry, outcome: "success" });
    },
    /**
     * Failures of each e-mail's account from all addresses and the latest end of a lock in force on it (everywhere or
     * from some address), for administrators' lists and the access review.
     */
    async states(emails: readonly string[]): Promise<Map<string, LockState>> {
      const now = clock.now();
      const subjects = new Map(emails.map((email) => [accountSubject(email), email]));
      const rows = await store().rows([...subjects.keys()].map((subject) => ({ scope: "account" as const, subject })));
      const sourceLocks = await store().sourceLocks([...subjects.keys()], now);
      const states = new Map<string, LockState>();
      for (const [subject, email] of subjects) {
        const row = rows.find((candidate) => candidate.subject === subject);
        const locks = [row?.lockedUntil, sourceLocks.get(subject)].filter((until): until is Date => until !== null && until !== undefined && until > now);
        if (!row && locks.length === 0) continue;
        states.set(email, { failures: row?.failures ?? 0, lockedUntil: locks.length > 0 ? new Date(Math.max(...locks.map((until) => until.getTime()))) : undefined });
      }
      return states;
    },
  };
}

export type Lockout = ReturnType<typeof createLockout>;
