import { outcome, type ComplianceCheck } from "../check.js";
import { createComplianceStore } from "../store.js";

// Mailbox names that belong to a function, not a person (RFC 2142 and common shared boxes).
const genericMailboxes = new Set(["admin", "administrator", "info", "office", "staff", "shared", "common", "reception", "uketsuke", "user", "guest", "root", "support", "test", "nurse", "doctor"]);

/** AUTH-1: every active staff account names one person: a display name and a personal, unique e-mail address. */
export const personalIdentity: ComplianceCheck = {
  id: "accounts.personal_identity",
  title: { ja: "個人単位のアカウント", en: "Personal accounts only" },
  async run({ db }) {
    const staff = await createComplianceStore(db.kysely).activeStaff();
    const impersonal = staff.filter((account) => account.displayName.trim() === "" || genericMailboxes.has(account.email.split("@")[0]!.toLowerCase()));
    const evidence = { activeStaff: staff.length, withoutPersonalIdentity: impersonal.length, accountIds: impersonal.map((account) => account.id) };
    return impersonal.length === 0 ? outcome("met", "every active staff account is personal", evidence) : outcome("not_met", "accounts without a personal identity exist", evidence);
  },
};
