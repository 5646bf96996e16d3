import { actorOf, type Audit } from "../audit/index.js";
import type { Database } from "../db/index.js";
import { AppError, type Clock, type Principal } from "../kernel/index.js";
import { createSessionStore } from "./store.js";
import type { SessionTimeouts } from "./web-sessions.js";

export interface SessionListItem {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  ip: string;
  userAgent: string;
  /** False while the sign-in is between password and second factor. */
  isSignedIn: boolean;
  isCurrent: boolean;
}

/**
 * A user's own open sessions, and an administrator's view of anyone's (Cedar `manage_sessions`): list, end one,
 * end all (SES-2: a user can see and end sessions they do not recognise). Every read and end is audited.
 */
export function createSessionLists(deps: {
  db: Database;
  audit: Audit;
  clock: Clock;
  timeouts: SessionTimeouts;
  mayManageSessions: (principal: Principal) => { allowed: boolean; reasonCode: string };
}) {
  const { db, audit, clock, timeouts } = deps;
  const store = () => createSessionStore(db.kysely);

  async function open(accountId: string, currentId: string | undefined): Promise<SessionListItem[]> {
    const now = clock.now();
    return (await store().openOf(accountId, now))
      .filter((row) => (row.stage === "active" ? now.getTime() - row.lastSeenAt.getTime() < timeouts.idleMs : row.stageExpiresAt > now))
      .map((row) => ({
        id: row.id,
        createdAt: row.createdAt,
        lastSeenAt: row.lastSeenAt,
        ip: row.ip,
        userAgent: row.userAgent,
        isSignedIn: row.stage === "active",
        isCurrent: row.id === currentId,
      }));
  }

  async function record(principal: Principal, action: string, accountId: string, outcome: "success" | "denied", reasonCode?: string, sessionId?: string): Promise<void> {
    await audit.record({ action, outcome, reasonCode, actor: actorOf(principal), resource: { type: sessionId ? "Session" : "Account", id: sessionId ?? accountId }, network: principal.network });
  }

  /** Authorizes acting on another account's sessions; one's own need no grant. */
  async function authorizeFor(principal: Principal, accountId: string, action: string): Promise<void> {
    if (accountId === principal.accountId) return;
    const decision = deps.mayManageSessions(principal);
    if (decision.allowed) return;
    await record(principal, action, accountId, "denied", decision.reasonCode);
    throw new AppError("access.denied", { detail: decision.reasonCode });
  }

  return {
    /** The open sessions of an account, the caller's own marked. @throws {AppError} `access.denied`. */
    async list(principal: Principal, accountId: string): Promise<SessionListItem[]> {
      await authorizeFor(principal, accountId, "auth.sessions_read");
      const items = await open(accountId, principal.sessionId);
      await record(principal, "auth.sessions_read", accountId, "success");
      return items;
    },
    /** Ends one session of an account. @throws {AppError} `access.denied`, `session.not_found`. */
    async revoke(principal: Principal, accountId: string, sessionId: string): Promise<void> {
      await authorizeFor(principal, accountId, "auth.session_revoke");
      const reason = accountId === principal.accountId ? "session.revoked_by_user" : "session.revoked_by_admin";
      if (!(await store().endOf(accountId, sessionId, reason, clock.now()))) throw new AppError("session.not_found");
      await record(principal, "auth.session_revoke", accountId, "success", reason, sessionId);
    },
    /** Ends every session of an account ("log out everywhere"), the caller's own included. @throws {AppError} `access.denied`. */
    async revokeAll(principal: Principal, accountId: string): Promise<number> {
      await authorizeFor(principal, accountId, "auth.session_revoke_all");
      const reason = accountId === principal.accountId ? "session.revoked_by_user" : "session.revoked_by_admin";
      const ended = await store().endAll({ accountId }, reason, clock.now());
      await record(principal, "auth.session_revoke_all", accountId, "success", reason);
      return ended.length;
    },
  };
}

export type SessionLists = ReturnType<typeof createSessionLists>;
