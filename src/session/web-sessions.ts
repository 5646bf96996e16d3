import type { Role } from "../../shared/api/session.js";
import type { Audit } from "../audit/index.js";
import type { Database } from "../db/index.js";
import { hashToken } from "../identity/index.js";
import { newId, newSecretToken, type Clock, type RequestOrigin } from "../kernel/index.js";
import { createSessionStore, type ChallengePurpose, type SessionRow, type SessionStageStored } from "./store.js";

export interface SessionTimeouts {
  idleMs: number;
  absoluteMs: number;
  signInStepMs: number;
}

/** A live session as the HTTP layer sees it. */
export interface LiveSession {
  id: string;
  accountId: string;
  roles: readonly Role[];
  /** For a patient account: its Patient record. */
  patientId: string | undefined;
  stage: SessionStageStored;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  /** When a second factor was last verified in this session; undefined when never (patients without one). */
  mfaAt: Date | undefined;
}

// Writing last_seen on every request would double the writes of a busy chart; a quarter-minute of slack in a
// 15-minute idle limit is immaterial.
const touchEveryMs = 15_000;

/**
 * Server-side browser sessions: the cookie holds a random token, the database its hash. Idle and absolute limits
 * (MHLW 運用編 クリアスクリーン; SES-1) are enforced here on every request, and ending a session is final.
 */
export function createWebSessions(deps: {
  db: Database;
  audit: Audit;
  clock: Clock;
  timeouts: SessionTimeouts;
  /** The account's current roles and patient link, or undefined when it may no longer sign in. */
  accountOf: (accountId: string) => Promise<{ roles: Role[]; patientId: string | undefined } | undefined>;
}) {
  const { db, audit, clock, timeouts } = deps;
  const store = () => createSessionStore(db.kysely);

  function stageDeadline(stage: SessionStageStored, now: Date, absolute: Date): Date {
    return stage === "active" ? absolute : new Date(Math.min(now.getTime() + timeouts.signInStepMs, absolute.getTime()));
  }

  function expiryReason(row: SessionRow, now: Date): string | undefined {
    if (now >= row.absoluteExpiresAt) return "session.absolute_timeout";
    if (now >= row.stageExpiresAt) return "session.sign_in_step_timeout";
    if (row.stage === "active" && now.getTime() - row.lastSeenAt.getTime() >= timeouts.idleMs) return "session.idle_timeout";
    return undefined;
  }

  function live(row: SessionRow, account: { roles: readonly Role[]; patientId: string | undefined }, lastSeen: Date): LiveSession {
    const idle = row.stage === "active" ? lastSeen.getTime() + timeouts.idleMs : row.stageExpiresAt.getTime();
    return {
      id: row.id,
      accountId: row.accountId,
      roles: account.roles,
      patientId: account.patientId,
      stage: row.stage,
      idleExpiresAt: new Date(Math.min(idle, row.absoluteExpiresAt.getTime())),
      absoluteExpiresAt: row.absoluteExpiresAt,
      mfaAt: row.mfaAt ?? undefined,
    };
  }

  return {
    /** Opens a session at a sign-in stage; returns the cookie token. */
    async start(accountId: string, stage: SessionStageStored, origin: RequestOrigin): Promise<{ token: string; sessionId: string }> {
      const now = clock.now();
      const absoluteExpiresAt = new Date(now.getTime() + timeouts.absoluteMs);
      const token = newSecretToken();
      const id = newId();
      await store().insert({
        id,
        tokenHash: hashToken(token),
        accountId,
        stage,
        createdAt: now,
        lastSeenAt: now,
        stageExpiresAt: stageDeadline(stage, now, absoluteExpiresAt),
        absoluteExpiresAt,
        mfaFailures: 0,
        ip: origin.ip,
        userAgent: origin.userAgent,
      });
      return { token, sessionId: id };
    },

    /**
     * Finds the session behind a cookie token and keeps it alive; ends and audits it when a limit has passed.
     * Returns undefined for no, unknown or ended sessions, with the reason when it just expired.
     */
    async resolve(token: string | undefined, origin: RequestOrigin): Promise<{ session?: LiveSession; expiredReason?: string }> {
      if (!token) return {};
      const row = await store().openByTokenHash(hashToken(token));
      if (!row) return {};
      const now = clock.now();
      const reason = expiryReason(row, now);
      const account = reason ? undefined : await deps.accountOf(row.accountId);
      if (reason || !account) {
        const endReason = reason ?? "session.account_unavailable";
        await store().end(row.id, endReason, now);
        await audit.record({ action: "auth.session_end", outcome: "success", reasonCode: endReason, actor: { accountId: row.accountId, sessionId: row.id }, network: origin });
        return { expiredReason: endReason };
      }
      let lastSeen = row.lastSeenAt;
      if (now.getTime() - row.lastSeenAt.getTime() >= touchEveryMs) {
        await store().touch(row.id, now);
        lastSeen = now;
      }
      return { session: live(row, account, lastSeen) };
    },

    /** Moves a session to its next stage under a new token; returns that token. */
    async advance(sessionId: string, stage: SessionStageStored, options: { mfa: boolean; absoluteExpiresAt: Date }): Promise<string> {
      const now = clock.now();
      const token = newSecretToken();
      await store().advance(sessionId, { stage, tokenHash: hashToken(token), stageExpiresAt: stageDeadline(stage, now, options.absoluteExpiresAt), at: now, mfa: options.mfa });
      return token;
    },

    countMfaFailure: (sessionId: string) => store().countMfaFailure(sessionId),

    /** Ends every session of an account (but `exceptId`), effective on their next request; returns the ids ended. */
    endAllOf: (accountId: string, reason: string, exceptId?: string) => store().endAll({ accountId, keep: exceptId }, reason, clock.now()),
    /**
     * Ends every open session (of one account when given) at once, except the caller's own `keep` session, so an
     * emergency revocation does not lock out the officer doing it; returns how many ended. The caller audits.
     */
    revokeAll: async (filter: { accountId?: string | undefined; keep?: string | undefined }, reason: string) => (await store().endAll(filter, reason, clock.now())).length,
    /** Records a second factor verified again in an active session (step-up). */
    markMfa: (sessionId: string) => store().markMfa(sessionId, clock.now()),

    /** Keeps a WebAuthn challenge for this session for `ttlMs`. */
    putChallenge: (sessionId: string, purpose: ChallengePurpose, challenge: string, ttlMs: number) =>
      store().putChallenge(sessionId, purpose, challenge, new Date(clock.now().getTime() + ttlMs)),

    /** Takes the session's challenge for a purpose: it cannot be used twice; undefined when none or expired. */
    takeChallenge: (sessionId: string, purpose: ChallengePurpose) => store().takeChallenge(sessionId, purpose, clock.now()),

    /** Ends a session for good (sign-out, too many failures, revocation). */
    end: (sessionId: string, reason: string) => store().end(sessionId, reason, clock.now()),
  };
}

export type WebSessions = ReturnType<typeof createWebSessions>;
