import { createAccessStore } from "../../access/index.js";
import { outcome, type ComplianceCheck } from "../check.js";

/**
 * ACC-3: every emergency (break-glass) grant is reviewed afterwards. A grant still unreviewed
 * MAMORI_COMPLIANCE_BREAK_GLASS_REVIEW_DAYS after it was granted is not met; open reviews younger than that are the
 * queue working as intended and count as evidence only.
 */
export const breakGlassReviews: ComplianceCheck = {
  id: "access.break_glass_reviews",
  title: { ja: "緊急時アクセスの事後確認", en: "Break-glass grants reviewed" },
  async run({ config, db, clock }) {
    const days = config.compliance.breakGlassReviewDays;
    const cutoff = new Date(clock.now().getTime() - days * 86_400_000);
    const queue = await createAccessStore(db.kysely).openReviews(cutoff);
    const evidence = {
      reviewDays: days,
      grants: queue.total,
      openReviews: queue.open,
      overdueReviews: queue.overdue,
      ...(queue.oldest ? { oldestOpenGrantedAt: queue.oldest.toISOString() } : {}),
    };
    if (queue.overdue > 0) return outcome("not_met", `${queue.overdue} break-glass grants unreviewed for more than ${days} days`, evidence);
    return outcome("met", queue.open > 0 ? `${queue.open} break-glass grants await review, none older than ${days} days` : "every break-glass grant has been reviewed", evidence);
  },
};
