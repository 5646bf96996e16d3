import { useTranslation } from "react-i18next";
import { Link } from "../../components/link.js";

/** The security officer's way in to the compliance dashboard from the home page. */
export function ComplianceCard() {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="compliance-card-heading">
      <h2 id="compliance-card-heading">{t("compliance.heading")}</h2>
      <p>{t("compliance.homeText")}</p>
      <Link to="/security/compliance" className="button-link" testId="open-compliance">
        {t("compliance.open")}
      </Link>
    </section>
  );
}
