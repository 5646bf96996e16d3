import type { FactorsView } from "../../../shared/api/index.js";
import { actorOf, type Audit } from "../../audit/index.js";
import type { Database } from "../../db/index.js";
import { AppError, type Principal } from "../../kernel/index.js";
import type { RecoveryCodes } from "./recovery-codes.js";
import { createMfaStore } from "./store.js";

/**
 * The signed-in user's own second factors: what is enrolled, and removing one. Staff always keep at least one
 * factor (AUTH-2); patients keep one too when the organisation requires it, and otherwise may opt out again.
 */
export function createFactors(deps: { db: Database; audit: Audit; recoveryCodes: RecoveryCodes; patientMfaRequired: boolean }) {
  const { db, audit } = deps;
  const store = () => createMfaStore(db.kysely);

  /** Whether this principal must keep a second factor. */
  const mustKeepOne = (principal: Principal) => !principal.roles.includes("patient") || deps.patientMfaRequired;

  async function remove(principal: Principal, factor: { type: "Totp" } | { type: "Passkey"; id: string }): Promise<void> {
    const outcome = await db.kysely.transaction().execute(async (trx) => {
      const tx = createMfaStore(trx);
      await tx.lockAccount(principal.accountId);
      const hasTotp = (await tx.totpConfirmedAt(principal.accountId)) !== null;
      const passkeys = await tx.passkeys(principal.accountId);
      const exists = factor.type === "Totp" ? hasTotp : passkeys.some((passkey) => passkey.id === factor.id);
      if (!exists) return "identity.factor_not_found" as const;
      const left = (hasTotp ? 1 : 0) + passkeys.length - 1;
      if (left === 0 && mustKeepOne(principal)) return "identity.last_factor" as const;
      if (factor.type === "Totp") await tx.deleteTotp(principal.accountId);
      else await tx.deletePasskey(principal.accountId, factor.id);
      // Recovery codes stand in for a factor; with none left they would be a second factor of nothing.
      if (left === 0) await tx.deleteRecoveryCodes(principal.accountId);
      return "identity.factor_removed" as const;
    });
    const resource = factor.type === "Totp" ? { type: "Totp" } : { type: "Passkey", id: factor.id };
    const isRemoved = outcome === "identity.factor_removed";
    await audit.record({ action: "auth.factor_remove", outcome: isRemoved ? "success" : "failure", reasonCode: outcome, actor: actorOf(principal), resource, network: principal.network });
    if (!isRemoved) throw new AppError(outcome);
  }

  return {
    /** The account's factors as its owner sees them: names and dates, never secrets. */
    async list(accountId: string): Promise<FactorsView> {
      const totpAt = await store().totpConfirmedAt(accountId);
      const passkeys = await store().passkeys(accountId);
      return {
        ...(totpAt ? { totp: { enrolledAt: totpAt.getTime() } } : {}),
        passkeys: passkeys.map((passkey) => ({
          id: passkey.id,
          name: passkey.name,
          createdAt: passkey.createdAt.getTime(),
          ...(passkey.lastUsedAt ? { lastUsedAt: passkey.lastUsedAt.getTime() } : {}),
        })),
        recoveryCodesRemaining: await deps.recoveryCodes.remaining(accountId),
      };
    },
    /** Whether the account has any second factor (TOTP confirmed or a passkey). */
    async hasAny(accountId: string): Promise<boolean> {
      return (await store().totpConfirmedAt(accountId)) !== null || (await store().passkeys(accountId)).length > 0;
    },
    /** @throws {AppError} `identity.last_factor`, `identity.factor_not_found` (both audited). */
    removeTotp: (principal: Principal) => remove(principal, { type: "Totp" }),
    /** @throws {AppError} `identity.last_factor`, `identity.factor_not_found` (both audited). */
    removePasskey: (principal: Principal, id: string) => remove(principal, { type: "Passkey", id }),
  };
}

export type Factors = ReturnType<typeof createFactors>;
