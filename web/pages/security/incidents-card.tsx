import { useTranslation } from "react-i18next";
import { Link } from "../../components/link.js";

/** The home page's way in to incident handling, for the security officer. */
export function IncidentsCard() {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="incidents-card-heading">
      <h2 id="incidents-card-heading">{t("incidents.heading")}</h2>
      <p>{t("incidents.homeText")}</p>
      <Link to="/security/incidents" className="button-link" testId="open-incidents">
        {t("incidents.open")}
      </Link>
    </section>
  );
}
