import type { Audit } from "../audit/index.js";
import type { Database } from "../db/index.js";
import { AppError, type Clock, type RequestOrigin } from "../kernel/index.js";
import type { Passwords } from "./passwords.js";
import { createIdentityStore, type AccountRow } from "./store.js";

/** Accounts: looking them up and checking passwords. */
export function createAccounts(deps: { db: Database; audit: Audit; clock: Clock; passwords: Passwords }) {
  const { db, audit, clock, passwords } = deps;
  const store = () => createIdentityStore(db.kysely);

  return {
    /**
     * Checks e-mail and password. Failures look and take the same whether or not the account exists.
     * @throws {AppError} `identity.invalid_credentials` (audited with the real reason code).
     */
    async checkPassword(email: string, password: string, origin: RequestOrigin): Promise<AccountRow> {
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
