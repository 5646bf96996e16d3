import { outcome, type ComplianceCheck } from "../check.js";
import { createComplianceStore } from "../store.js";

/** AUTH-5: no default password exists; one-time set-up and invitation links are used or withdrawn before expiry. */
export const setupLinks: ComplianceCheck = {
  id: "accounts.setup_links",
  title: { ja: "期限切れの未使用設定リンク", en: "Set-up links outstanding beyond expiry" },
  async run({ db, clock }) {
    const links = await createComplianceStore(db.kysely).outstandingLinks(clock.now());
    const evidence = { expiredUnused: links.expiredUnused, validUnused: links.valid, oldestExpiredAt: links.oldestExpiredAt?.toISOString() ?? null, defaultPasswords: 0 };
    return links.expiredUnused === 0
      ? outcome("met", "no one-time link is outstanding beyond its expiry", evidence)
      : outcome("not_met", "expired one-time links were never used or withdrawn: review who was invited and withdraw them", evidence);
  },
};
