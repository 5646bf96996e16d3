import { useTranslation } from "react-i18next";
import { Link } from "../../components/link.js";
import { AccessHistory } from "./access-history.js";
import { ConsentCard } from "./consent-card.js";
import { DocumentUpload } from "./document-upload.js";
import { RecordDownloads } from "./record-downloads.js";

/** The patient's home: their own record, consent choices, a copy of everything, uploads, and who accessed it. */
export function PortalHome({ patientId }: { patientId: string | undefined }) {
  const { t } = useTranslation();
  return (
    <>
      <section className="card" aria-labelledby="portal-heading">
        <h2 id="portal-heading">{t("portal.heading")}</h2>
        {patientId ? (
          <p>
            <Link to={`/patients/${encodeURIComponent(patientId)}`} testId="open-own-record">
              {t("portal.openRecord")}
            </Link>
          </p>
        ) : null}
        <p>
          <Link to="/settings/security" testId="open-mfa-settings">
            {t("portal.mfaSettings")}
          </Link>
        </p>
      </section>
      {patientId ? (
        <>
          <RecordDownloads patientId={patientId} />
          <ConsentCard patientId={patientId} />
          <DocumentUpload patientId={patientId} />
        </>
      ) : null}
      <AccessHistory />
    </>
  );
}
