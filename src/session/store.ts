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
};

export interface SessionRow {
  id: string;
  accountId: string;
  stage: SessionStageStored;
  lastSeenAt: Date;
  stageExpiresAt: Date;
  absoluteExpiresAt: Date;
  mfaFailures: number;
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
        .select(["id", "account_id", "stage", "last_seen_at", "stage_expires_at", "absolute_expires_at", "mfa_failures"])
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
    /** Ends every open session of an account; returns how many ended. */
    async endAllOf(accountId: string, reason: string, at: Date): Promise<number> {
      const result = await db.updateTable("session_web").set({ ended_at: at, end_reason: reason }).where("account_id", "=", accountId).where("ended_at", "is", null).executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async end(id: string, reason: string, at: Date): Promise<void> {
      await db.updateTable("session_web").set({ ended_at: at, end_reason: reason }).where("id", "=", id).where("ended_at", "is", null).execute();
    },
  };
}
