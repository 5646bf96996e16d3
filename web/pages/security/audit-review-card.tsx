import { useTranslation } from "react-i18next";
import type { Role } from "../../../shared/api/index.js";
import { Link } from "../../components/link.js";

/** Who sees the audit log in the UI; the server's policy (read_audit) decides for real. */
export function canReviewAudit(roles: readonly Role[]): boolean {
  return roles.includes("security_officer") || roles.includes("admin");
}

/** The home page's way in to the audit log, for the security officer and administrators. */
export function AuditReviewCard() {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="audit-review-heading">
      <h2 id="audit-review-heading">{t("audit.heading")}</h2>
      <p>{t("audit.homeText")}</p>
      <Link to="/security/audit" className="button-link" testId="open-audit-log">
        {t("audit.open")}
      </Link>
    </section>
  );
}
