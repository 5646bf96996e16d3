import { outcome, type ComplianceCheck } from "../check.js";
import { createComplianceStore } from "../store.js";

/** AUTH-2: every active staff account has a confirmed second factor. */
export const staffMfa: ComplianceCheck = {
  id: "mfa.staff_enrolled",
  title: { ja: "職員アカウントの二要素認証登録", en: "Staff accounts with a second factor" },
  async run({ db }) {
    const staff = await createComplianceStore(db.kysely).activeStaff();
    const enrolled = staff.filter((account) => account.hasSecondFactor).length;
    const evidence = { activeStaff: staff.length, withSecondFactor: enrolled, withoutSecondFactor: staff.length - enrolled, percent: staff.length === 0 ? 100 : Math.floor((enrolled / staff.length) * 1000) / 10 };
    if (staff.length === 0) return outcome("unknown", "no active staff account yet", evidence);
    return enrolled === staff.length ? outcome("met", "every active staff account has a confirmed second factor", evidence) : outcome("not_met", "some active staff accounts have no confirmed second factor", evidence);
  },
};
