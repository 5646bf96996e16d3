import { useTranslation } from "react-i18next";
import { Link } from "../../components/link.js";
import { AccessHistory } from "./access-history.js";

/** The patient's home: their own record and who accessed it. */
export function PortalHome({ patientId }: { patientId: string | undefined }) {
  const { t } = useTranslation();
  return (
    <>
      <section className="card" aria-labelledby="portal-heading">
        <h2 id="portal-heading">{t("portal.heading")}</h2>
        {patientId ? (
          <p>
            <Link to={`/patients/${encodeURIComponent(patientId)}`}>{t("portal.openRecord")}</Link>
          </p>
        ) : null}
      </section>
      <AccessHistory />
    </>
  );
}
