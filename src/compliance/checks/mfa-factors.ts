import { outcome, type ComplianceCheck } from "../check.js";
import { createComplianceStore } from "../store.js";

/**
 * AUTH-2: the second-factor kinds on offer (TOTP, passkeys, recovery codes) and, per active staff account, a factor
 * to sign in with and recovery codes left to get back in when it is lost (otherwise the way back is an
 * administrator's reset, which is what recovery codes avoid).
 */
export const mfaFactors: ComplianceCheck = {
  id: "mfa.factors",
  title: { ja: "二要素認証の方式と回復コード", en: "Second-factor kinds and recovery codes" },
  async run({ db }) {
    const store = createComplianceStore(db.kysely);
    const staff = await store.activeStaff();
    const factors = await store.factorCounts();
    const of = (id: string) => factors.get(id) ?? { totp: false, passkeys: 0, recoveryCodesLeft: 0 };
    const withoutFactor = staff.filter((account) => !of(account.id).totp && of(account.id).passkeys === 0).length;
    const withoutRecoveryCodes = staff.filter((account) => of(account.id).recoveryCodesLeft === 0).length;
    const withTotp = staff.filter((account) => of(account.id).totp).length;
    const withPasskey = staff.filter((account) => of(account.id).passkeys > 0).length;
    const withRecoveryCodes = staff.length - withoutRecoveryCodes;
    const evidence = {
      // Offered by src/identity/mfa; "in use" is what staff have actually enrolled.
      kindsOffered: ["totp", "passkey", "recovery_code"],
      kindsInUse: [...(withTotp > 0 ? ["totp"] : []), ...(withPasskey > 0 ? ["passkey"] : []), ...(withRecoveryCodes > 0 ? ["recovery_code"] : [])],
      activeStaff: staff.length,
      withTotp,
      withPasskey,
      withoutFactor,
      withoutRecoveryCodes,
    };
    if (staff.length === 0) return outcome("unknown", "no active staff account yet", evidence);
    if (withoutFactor > 0) return outcome("not_met", "some active staff accounts have neither TOTP nor a passkey", evidence);
    if (withoutRecoveryCodes > 0) return outcome("partial", "some active staff accounts have no recovery codes left", evidence);
    return outcome("met", "every active staff account has a second factor and recovery codes left", evidence);
  },
};
