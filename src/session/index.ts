import type { Audit } from "../audit/index.js";
import type { Database } from "../db/index.js";
import type { Identity } from "../identity/index.js";
import type { Clock, Principal } from "../kernel/index.js";
import { createSessionLists } from "./session-lists.js";
import { createAccountSecurity } from "./account-security.js";
import { createSignIn } from "./sign-in.js";
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
}) {
  const sessions = createWebSessions({
    ...deps,
    accountOf: async (accountId) => {
      const account = await deps.identity.accounts.get(accountId);
      return account?.status === "active" ? { roles: account.roles, patientId: account.patientId ?? undefined } : undefined;
    },
  });
  // A deactivated account's sessions end at once, not only at their next request (which would refuse them anyway).
  deps.identity.lifecycle.onDeactivated(async ({ accountId, reasonCode }) => {
    await sessions.endAllOf(accountId, reasonCode === "identity.dormant" ? "session.account_dormant" : "session.account_deactivated");
  });
  return {
    sessions,
    lists: createSessionLists(deps),
    signIn: createSignIn({ identity: deps.identity, sessions, audit: deps.audit, patientMfaRequired: deps.patientMfaRequired }),
    accountSecurity: createAccountSecurity({ identity: deps.identity, sessions, audit: deps.audit, clock: deps.clock }),
  };
}

export type Sessions = ReturnType<typeof createSessions>;
