import { sql, type Generated } from "kysely";
import type { Executor } from "../db/index.js";

export type SessionStageStored = "mfa_required" | "enrolment_required" | "active";

type SessionTables = {
  session_web: {
    id: string;
    token_hash: Uint8Array;
    account_id: string;
    stage: SessionStageStored;
    created_at: Date;
    last_seen_at: Date;
    stage_expires_at: Date;
    absolute_expires_at: Date;
    mfa_at: Date | null;
    mfa_failures: Generated<number>;
    ended_at: Date | null;
    end_reason: string | null;
    ip: string;
    user_agent: string;
  };
  session_webauthn_challenge: { session_id: string; purpose: ChallengePurpose; challenge: string; expires_at: Date };
};

/** What a WebAuthn challenge was issued for. */
export type ChallengePurpose = "register" | "authenticate";

export interface SessionRow {
  id: string;
  accountId: string;
  stage: SessionStageStored;
  lastSeenAt: Date;
  stageExpiresAt: Date;
  absoluteExpiresAt: Date;
  mfaFailures: number;
  /** When the second factor was last verified in this session (sign-in or re-verification). */
  mfaAt?: Date | null;
}

export interface OpenSessionRow {
  id: string;
  stage: SessionStageStored;
  createdAt: Date;
  lastSeenAt: Date;
  stageExpiresAt: Date;
  ip: string;
  userAgent: string;
}

/** SQL of the session module. */
export function createSessionStore(executor: Executor) {
  const db = executor.withTables<SessionTables>();
  return {
    async insert(row: SessionRow & { tokenHash: Buffer; createdAt: Date; ip: string; userAgent: string }): Promise<void> {
      await db
        .insertInto("session_web")
        .values({
          id: row.id,
          token_hash: row.tokenHash,
          account_id: row.accountId,
          stage: row.stage,
          created_at: row.createdAt,
          last_seen_at: row.lastSeenAt,
          stage_expires_at: row.stageExpiresAt,
          absolute_expires_at: row.absoluteExpiresAt,
          ip: row.ip,
          user_agent: row.userAgent,
        })
        .execute();
    },
    async openByTokenHash(tokenHash: Buffer): Promise<SessionRow | undefined> {
      const row = await db
        .selectFrom("session_web")
        .select(["id", "account_id", "stage", "last_seen_at", "stage_expires_at", "absolute_expires_at", "mfa_failures", "mfa_at"])
        .where("token_hash", "=", tokenHash)
        .where("ended_at", "is", null)
        .executeTakeFirst();
      return (
        row && {
          id: row.id,
          accountId: row.account_id,
          stage: row.stage,
          lastSeenAt: row.last_seen_at,
          stageExpiresAt: row.stage_expires_at,
          absoluteExpiresAt: row.absolute_expires_at,
          mfaFailures: row.mfa_failures,
          mfaAt: row.mfa_at,
        }
      );
    },
    async touch(id: string, at: Date): Promise<void> {
      await db.updateTable("session_web").set({ last_seen_at: at }).where("id", "=", id).execute();
    },
    /** Moves a session to a new stage under a new token (no session fixation across a privilege change). */
    async advance(id: string, changes: { stage: SessionStageStored; tokenHash: Buffer; stageExpiresAt: Date; at: Date; mfa: boolean }): Promise<void> {
      await db
        .updateTable("session_web")
        .set({
          stage: changes.stage,
          token_hash: changes.tokenHash,
          stage_expires_at: changes.stageExpiresAt,
          last_seen_at: changes.at,
          ...(changes.mfa ? { mfa_at: changes.at, mfa_failures: 0 } : {}),
        })
        .where("id", "=", id)
        .where("ended_at", "is", null)
        .execute();
    },
    async countMfaFailure(id: string): Promise<number> {
      const row = await db
        .updateTable("session_web")
        .set((eb) => ({ mfa_failures: eb("mfa_failures", "+", 1) }))
        .where("id", "=", id)
        .returning("mfa_failures")
        .executeTakeFirst();
      return row?.mfa_failures ?? 0;
    },
    /** Sessions of an account not yet ended and within their absolute limit, newest first. */
    async openOf(accountId: string, at: Date): Promise<OpenSessionRow[]> {
      const rows = await db
        .selectFrom("session_web")
        .select(["id", "stage", "created_at", "last_seen_at", "stage_expires_at", "ip", "user_agent"])
        .where("account_id", "=", accountId)
        .where("ended_at", "is", null)
        .where("absolute_expires_at", ">", at)
        .orderBy("created_at", "desc")
        .execute();
      return rows.map((row) => ({
        id: row.id,
        stage: row.stage,
        createdAt: row.created_at,
        lastSeenAt: row.last_seen_at,
        stageExpiresAt: row.stage_expires_at,
        ip: row.ip,
        userAgent: row.user_agent,
      }));
    },
    /** Ends one session if it belongs to the account; false when there was no such open session. */
    async endOf(accountId: string, id: string, reason: string, at: Date): Promise<boolean> {
      const result = await db
        .updateTable("session_web")
        .set({ ended_at: at, end_reason: reason })
        .where("id", "=", id)
        .where("account_id", "=", accountId)
        .where("ended_at", "is", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** Ends every open session, or every open session of one account, except `keep`; returns the ids ended. */
    async endAll(filter: { accountId?: string | undefined; keep?: string | undefined }, reason: string, at: Date): Promise<string[]> {
      let query = db.updateTable("session_web").set({ ended_at: at, end_reason: reason }).where("ended_at", "is", null);
      if (filter.accountId !== undefined) query = query.where("account_id", "=", filter.accountId);
      if (filter.keep !== undefined) query = query.where("id", "<>", filter.keep);
      const rows = await query.returning("id").execute();
      return rows.map((row) => row.id);
    },
    /** Records a re-verified second factor (step-up) without changing the stage. */
    async markMfa(id: string, at: Date): Promise<void> {
      await db.updateTable("session_web").set({ mfa_at: at, mfa_failures: 0 }).where("id", "=", id).where("ended_at", "is", null).execute();
    },
    /** Keeps one WebAuthn challenge per session and purpose; a new one replaces the last. */
    async putChallenge(sessionId: string, purpose: ChallengePurpose, challenge: string, expiresAt: Date): Promise<void> {
      await db
        .insertInto("session_webauthn_challenge")
        .values({ session_id: sessionId, purpose, challenge, expires_at: expiresAt })
        .onConflict((oc) => oc.columns(["session_id", "purpose"]).doUpdateSet({ challenge, expires_at: expiresAt }))
        .execute();
    },
    /** Takes (deletes) the session's challenge: each is used at most once, whatever the outcome. */
    async takeChallenge(sessionId: string, purpose: ChallengePurpose, now: Date): Promise<string | undefined> {
      const row = await db
        .deleteFrom("session_webauthn_challenge")
        .where("session_id", "=", sessionId)
        .where("purpose", "=", purpose)
        .returning(["challenge", "expires_at"])
        .executeTakeFirst();
      return row && row.expires_at > now ? row.challenge : undefined;
    },
    /**
     * Sends an account's signed-in sessions back to the second-factor stage, keeping their tokens: the next request
     * must pass the second factor again. Returns how many sessions changed.
     */
    async requireStepUp(accountId: string, at: Date, stageExpiresAt: Date): Promise<number> {
      const result = await db
        .updateTable("session_web")
        .set({ stage: "mfa_required", stage_expires_at: sql<Date>`least(${stageExpiresAt}::timestamptz, absolute_expires_at)`, last_seen_at: at, mfa_failures: 0 })
        .where("account_id", "=", accountId)
        .where("stage", "=", "active")
        .where("ended_at", "is", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async end(id: string, reason: string, at: Date): Promise<void> {
      await db.updateTable("session_web").set({ ended_at: at, end_reason: reason }).where("id", "=", id).where("ended_at", "is", null).execute();
    },
  };
}
