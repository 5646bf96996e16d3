import { outcome, type ComplianceCheck } from "../check.js";
import { createComplianceStore } from "../store.js";

// MHLW 6.0 システム運用編 (認証): repeated failures must lock the account; OWASP and NIST SP 800-63B §5.2.2 bound
// the tries an attacker gets. At most 10 failures before a lock, and a lock long enough to slow guessing down.
const maxThreshold = 10;
const minLockMinutes = 5;

/** AUTH-4: sign-in failures lock the account within sane limits (MAMORI_LOCKOUT_THRESHOLD / _MINUTES). */
export const authLockout: ComplianceCheck = {
  id: "auth.lockout",
  title: { ja: "ログイン失敗時のアカウントロック", en: "Account lockout after failed sign-ins" },
  async run({ config, db, clock }) {
    const { threshold, accountThreshold, ipThreshold, lockMs } = config.lockout;
    const locked = await createComplianceStore(db.kysely).lockedThrottles(clock.now());
    const lockMinutes = lockMs / 60_000;
    const evidence = { threshold, accountThreshold, lockMinutes, ipThreshold, maxThreshold, minLockMinutes, lockedAccounts: locked.accounts, lockedAddresses: locked.addresses };
    const problems = [
      ...(threshold > maxThreshold ? [`threshold ${threshold} above ${maxThreshold}`] : []),
      ...(lockMinutes < minLockMinutes ? [`lock of ${lockMinutes} min shorter than ${minLockMinutes}`] : []),
    ];
    return problems.length === 0 ? outcome("met", "failed sign-ins lock the account within the limits", evidence) : outcome("not_met", `lockout too lax: ${problems.join("; ")}`, evidence);
  },
};
