import { outcome, type ComplianceCheck } from "../check.js";
import { createComplianceStore } from "../store.js";

const dayMs = 86_400_000;

/** AUTH-6: active staff accounts without a sign-in (or, never signed in, created) within N days. */
export const dormantAccounts: ComplianceCheck = {
  id: "accounts.dormant",
  title: { ja: "長期未使用の職員アカウント", en: "Dormant staff accounts" },
  async run({ db, clock, config }) {
    const cutoff = clock.now().getTime() - config.compliance.dormantDays * dayMs;
    const staff = await createComplianceStore(db.kysely).activeStaff();
    const dormant = staff.filter((account) => (account.lastSignInAt ?? account.createdAt).getTime() < cutoff);
    const evidence = { activeStaff: staff.length, dormant: dormant.length, dormantDays: config.compliance.dormantDays, dormantAccountIds: dormant.map((account) => account.id) };
    return dormant.length === 0 ? outcome("met", "no dormant staff account", evidence) : outcome("not_met", "dormant staff accounts should be disabled or reviewed", evidence);
  },
};
