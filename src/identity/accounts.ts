import type { Audit } from "../audit/index.js";
import type { Database } from "../db/index.js";
import { AppError, type Clock, type RequestOrigin } from "../kernel/index.js";
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
        await store().setPasswordHash(account.id, await passwords.hash(password));
      }
      return account;
    },
    get: (accountId: string) => store().account(accountId),
    markSignedIn: (accountId: string) => store().markSignedIn(accountId, clock.now()),
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
