import { actorOf, type Audit } from "../audit/index.js";
import type { Database } from "../db/index.js";
import { AppError, type Clock, type Principal, type RequestOrigin } from "../kernel/index.js";
import type { Lockout } from "./lockout.js";
import type { Passwords } from "./passwords.js";
import { createIdentityStore, type AccountRow } from "./store.js";

/** Accounts: looking them up and checking passwords. */
export function createAccounts(deps: { db: Database; audit: Audit; clock: Clock; passwords: Passwords; lockout: Lockout }) {
  const { db, audit, clock, passwords, lockout } = deps;
  const store = () => createIdentityStore(db.kysely);

  return {
    /**
     * Checks e-mail and password behind the brute-force protection (AUTH-4); the counters are reset only when the
     * whole sign-in succeeds, so a known password does not buy unlimited second-factor guesses. Failures look and take the same
     * whether or not the account exists: an unknown address is verified against a decoy hash and counted alike.
     * @throws {AppError} `identity.invalid_credentials` (audited with the real reason code),
     * `identity.sign_in_delayed` / `identity.sign_in_locked`.
     */
    async checkPassword(email: string, password: string, origin: RequestOrigin): Promise<AccountRow> {
      await lockout.assertMayTry({ email, ip: origin.ip }, { action: "auth.password", origin });
      const account = await store().accountByEmail(email);
      const matches = await passwords.verify(account?.passwordHash, password);
      if (!account || !matches || account.status !== "active") {
        const reasonCode = !account ? "identity.unknown_account" : !matches ? "identity.wrong_password" : "identity.account_disabled";
        await audit.record({
          action: "auth.password",
          outcome: "failure",
          reasonCode,
          actor: { accountId: account?.id },
          network: origin,
        });
        await lockout.recordFailure({ email, ip: origin.ip, accountId: account?.id }, origin);
        throw new AppError("identity.invalid_credentials");
      }
      if (passwords.needsRehash(account.passwordHash)) {
        await store().setPasswordHash(account.id, await passwords.rehash(password));
      }
      return account;
    },
    /**
     * The signed-in user changes their own password, proving the current one (which counts towards the lockout
     * like any sign-in failure, so a taken-over session cannot guess it). The new one passes the password policy.
     * @throws {AppError} `identity.current_password_wrong`, password policy errors, `identity.sign_in_locked` / `identity.sign_in_delayed`.
     */
    async changePassword(principal: Principal, input: { currentPassword: string; newPassword: string }): Promise<void> {
      const account = await store().account(principal.accountId);
      if (!account) throw new AppError("session.required");
      const origin = principal.network;
      await lockout.assertMayTry({ email: account.email, ip: origin.ip }, { action: "identity.password_change", accountId: account.id, sessionId: principal.sessionId, origin });
      const entry = { action: "identity.password_change", actor: actorOf(principal), resource: { type: "Account", id: account.id }, network: origin };
      if (!(await passwords.verify(account.passwordHash, input.currentPassword))) {
        await audit.record({ ...entry, outcome: "failure", reasonCode: "identity.current_password_wrong" });
        await lockout.recordFailure({ email: account.email, ip: origin.ip, accountId: account.id }, origin);
        throw new AppError("identity.current_password_wrong", { expression: ["currentPassword"] });
      }
      let passwordHash: string;
      try {
        passwordHash = await passwords.hash(input.newPassword, { email: account.email, displayName: account.displayName });
      } catch (error) {
        if (error instanceof AppError) throw new AppError(error.code, { expression: ["newPassword"] });
        throw error;
      }
      await store().setPasswordHash(account.id, passwordHash);
      await audit.record({ ...entry, outcome: "success" });
    },
    get: (accountId: string) => store().account(accountId),
    markSignedIn: (accountId: string) => store().markSignedIn(accountId, clock.now()),
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
