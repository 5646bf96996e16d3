import { outcome, type ComplianceCheck } from "../check.js";
import { createComplianceStore } from "../store.js";

/** AUTH-7: administrators are few and each has a confirmed second factor. */
export const adminMfa: ComplianceCheck = {
  id: "admins.mfa",
  title: { ja: "特権アカウント数と二要素認証", en: "Administrator count and their second factor" },
  async run({ db, config }) {
    const admins = (await createComplianceStore(db.kysely).activeStaff()).filter((account) => account.roles.includes("admin"));
    const withoutMfa = admins.filter((account) => !account.hasSecondFactor).length;
    const evidence = { admins: admins.length, maxAdmins: config.compliance.maxAdmins, adminsWithoutSecondFactor: withoutMfa };
    if (admins.length === 0) return outcome("unknown", "no administrator account yet", evidence);
    if (withoutMfa > 0) return outcome("not_met", "an administrator has no confirmed second factor", evidence);
    if (admins.length > config.compliance.maxAdmins) return outcome("partial", "more administrators than the configured maximum", evidence);
    return outcome("met", "few administrators, each with a second factor", evidence);
  },
};
