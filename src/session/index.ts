import type { Audit } from "../audit/index.js";
import type { Database } from "../db/index.js";
import type { Identity } from "../identity/index.js";
import type { Clock } from "../kernel/index.js";
import { createSignIn } from "./sign-in.js";
import { createWebSessions, type SessionTimeouts } from "./web-sessions.js";

export type { LiveSession, SessionTimeouts } from "./web-sessions.js";
export type { SignIn } from "./sign-in.js";

/** Browser sessions and the sign-in sequence that creates them. */
export function createSessions(deps: { db: Database; audit: Audit; clock: Clock; identity: Identity; timeouts: SessionTimeouts }) {
  const sessions = createWebSessions({
    ...deps,
    rolesOf: async (accountId) => {
      const account = await deps.identity.accounts.get(accountId);
      return account?.status === "active" ? account.roles : undefined;
    },
  });
  return { sessions, signIn: createSignIn({ identity: deps.identity, sessions, audit: deps.audit }) };
}

export type Sessions = ReturnType<typeof createSessions>;
