import { useState } from "react";
import { useTranslation } from "react-i18next";
import { fetchEverything } from "../../api/fhir-api.js";
import { downloadRecordPdf } from "../../api/portal-export-api.js";
import { ErrorMessage } from "../../components/error-message.js";

/** Saves a Blob made in memory as a file, then forgets the object URL. */
function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The patient's right to a copy: everything as a FHIR Bundle (JSON) or as a readable PDF. */
export function RecordDownloads({ patientId }: { patientId: string }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(undefined);
  const [isBusy, setBusy] = useState(false);
  const run = (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    action()
      .catch(setError)
      .finally(() => setBusy(false));
  };
  return (
    <section className="card" aria-labelledby="downloads-heading">
      <h2 id="downloads-heading">{t("downloads.heading")}</h2>
      <p className="hint intro">{t("downloads.intro")}</p>
      <div className="actions">
        <button
          type="button"
          data-testid="download-bundle"
          disabled={isBusy}
          onClick={() => run(async () => saveBlob(new Blob([JSON.stringify(await fetchEverything(patientId), null, 2)], { type: "application/fhir+json" }), "mamori-record.json"))}
        >
          {t("downloads.bundle")}
        </button>
        <button type="button" data-testid="download-pdf" disabled={isBusy} onClick={() => run(async () => saveBlob(await downloadRecordPdf(), "mamori-record.pdf"))}>
          {t("downloads.pdf")}
        </button>
      </div>
      <ErrorMessage error={error} />
    </section>
  );
}
