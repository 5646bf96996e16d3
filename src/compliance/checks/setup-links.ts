import { outcome, type ComplianceCheck } from "../check.js";
import { createComplianceStore } from "../store.js";

/**
 * AUTH-5: no default password exists; one-time set-up and invitation links are used or withdrawn before expiry. A
 * withdrawn link (by an administrator, a newer invitation, wrong codes, or a restart printing a new set-up link) is
 * closed on purpose and is not counted.
 */
export const setupLinks: ComplianceCheck = {
  id: "accounts.setup_links",
  title: { ja: "期限切れの未使用設定リンク", en: "Set-up links outstanding beyond expiry" },
  async run({ db, clock }) {
    const links = await createComplianceStore(db.kysely).outstandingLinks(clock.now());
    const evidence = { expiredUnused: links.expiredUnused, validUnused: links.valid, withdrawn: links.withdrawn, oldestExpiredAt: links.oldestExpiredAt?.toISOString() ?? null, defaultPasswords: 0 };
    return links.expiredUnused === 0
      ? outcome("met", "no one-time link ran out unused without being withdrawn", evidence)
      : outcome("not_met", "one-time links ran out unused without being withdrawn: find out why each invitee never signed up, and withdraw invitations that are no longer wanted before they expire", evidence);
  },
};
