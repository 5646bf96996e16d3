import type { Audit } from "../audit/index.js";
import type { Database } from "../db/index.js";
import type { Identity } from "../identity/index.js";
import type { Clock } from "../kernel/index.js";
import { createAccountSecurity } from "./account-security.js";
import { createSignIn } from "./sign-in.js";
import { createWebSessions, type SessionTimeouts } from "./web-sessions.js";

export type { LiveSession, SessionTimeouts } from "./web-sessions.js";
export type { SignIn } from "./sign-in.js";
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
}) {
  const sessions = createWebSessions({
    ...deps,
    accountOf: async (accountId) => {
      const account = await deps.identity.accounts.get(accountId);
      return account?.status === "active" ? { roles: account.roles, patientId: account.patientId ?? undefined } : undefined;
    },
  });
  return {
    sessions,
    signIn: createSignIn({ identity: deps.identity, sessions, audit: deps.audit, patientMfaRequired: deps.patientMfaRequired }),
    accountSecurity: createAccountSecurity({ identity: deps.identity, sessions, audit: deps.audit, clock: deps.clock }),
  };
}

export type Sessions = ReturnType<typeof createSessions>;
