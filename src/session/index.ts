import type { Audit } from "../audit/index.js";
import type { Database, Executor } from "../db/index.js";
import type { Identity } from "../identity/index.js";
import type { Clock } from "../kernel/index.js";
import { createSignIn } from "./sign-in.js";
import { createSessionStore } from "./store.js";
import { createWebSessions, type SessionTimeouts } from "./web-sessions.js";

export type { LiveSession, SessionTimeouts } from "./web-sessions.js";
export type { SignIn } from "./sign-in.js";

/** Browser sessions and the sign-in sequence that creates them. */
export function createSessions(deps: {
  db: Database;
  audit: Audit;
  clock: Clock;
  identity: Identity;
  timeouts: SessionTimeouts;
  /** Whether patient accounts must enrol a second factor too (staff always must: AUTH-2). */
  patientMfaRequired: boolean;
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
  return { sessions, signIn: createSignIn({ identity: deps.identity, sessions, audit: deps.audit, patientMfaRequired: deps.patientMfaRequired, isAccountLocked }) };
}

/**
 * Session changes an automatic response makes inside its own transaction: send an account's sessions back to the
 * second factor, or end them all.
 */
export function sessionControls(executor: Executor, timeouts: Pick<SessionTimeouts, "signInStepMs">) {
  const store = createSessionStore(executor);
  return {
    requireStepUp: (accountId: string, at: Date) => store.requireStepUp(accountId, at, new Date(at.getTime() + timeouts.signInStepMs)),
    endAll: (accountId: string, reason: string, at: Date) => store.endAllOf(accountId, reason, at),
  };
}

export type Sessions = ReturnType<typeof createSessions>;
