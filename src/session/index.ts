import type { Audit } from "../audit/index.js";
import type { Database, Executor } from "../db/index.js";
import type { Identity } from "../identity/index.js";
import type { Clock, Principal } from "../kernel/index.js";
import { createSessionLists } from "./session-lists.js";
import { createAccountSecurity } from "./account-security.js";
import { createSignIn } from "./sign-in.js";
import { createSessionStore } from "./store.js";
import { createWebSessions, type SessionTimeouts } from "./web-sessions.js";

export type { LiveSession, SessionTimeouts } from "./web-sessions.js";
export type { SignIn } from "./sign-in.js";
export type { SessionListItem, SessionLists } from "./session-lists.js";
export type { AccountSecurity } from "./account-security.js";

/** Browser sessions and the sign-in sequence that creates them. */
export function createSessions(deps: {
  db: Database;
  audit: Audit;
  clock: Clock;
  identity: Identity;
  timeouts: SessionTimeouts;
  /** Whether patient accounts must enrol a second factor too (staff always must: AUTH-2). */
  patientMfaRequired: boolean;
  /** Asks the access policy whether the principal may see and end other accounts' sessions (`manage_sessions`). */
  mayManageSessions: (principal: Principal) => { allowed: boolean; reasonCode: string };
  /** Whether an account is locked by an automatic response (intrusion detection); its sessions stop working. */
  isAccountLocked?: (accountId: string) => Promise<boolean>;
}) {
  const isAccountLocked = deps.isAccountLocked ?? (async () => false);
  const sessions = createWebSessions({
    ...deps,
    accountOf: async (accountId) => {
      const account = await deps.identity.accounts.get(accountId);
      if (account?.status !== "active" || (await isAccountLocked(accountId))) return undefined;
      return { roles: account.roles, patientId: account.patientId ?? undefined };
    },
  });
  // A deactivated account's sessions end at once, not only at their next request (which would refuse them anyway).
  deps.identity.lifecycle.onDeactivated(async ({ accountId, reasonCode }) => {
    await sessions.endAllOf(accountId, reasonCode === "identity.dormant" ? "session.account_dormant" : "session.account_deactivated");
  });
  // Losing a role ends the account's sessions too, so no page or tab keeps acting on what the role allowed.
  deps.identity.roleChanges.onRolesRemoved(async ({ accountId }) => {
    await sessions.endAllOf(accountId, "session.roles_removed");
  });
  return {
    sessions,
    lists: createSessionLists(deps),
    signIn: createSignIn({ identity: deps.identity, sessions, audit: deps.audit, patientMfaRequired: deps.patientMfaRequired, isAccountLocked }),
    accountSecurity: createAccountSecurity({ identity: deps.identity, sessions, audit: deps.audit, clock: deps.clock }),
  };
}

/**
 * Session changes an automatic response makes inside its own transaction: send an account's sessions back to the
 * second factor, or end them all.
 */
export function sessionControls(executor: Executor, timeouts: Pick<SessionTimeouts, "signInStepMs">) {
  const store = createSessionStore(executor);
  return {
    requireStepUp: (accountId: string, at: Date) => store.requireStepUp(accountId, at, new Date(at.getTime() + timeouts.signInStepMs)),
    endAll: async (accountId: string, reason: string, at: Date) => (await store.endAll({ accountId }, reason, at)).length,
  };
}

export type Sessions = ReturnType<typeof createSessions>;
