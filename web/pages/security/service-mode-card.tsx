import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ServiceModeResponse } from "../../../shared/api/index.js";
import { fetchServiceMode, setServiceMode } from "../../api/incidents-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { useSubmit } from "../../components/use-submit.js";

/** The service-wide read-only switch: writes are refused on every node while it is on; reads go on. */
export function ServiceModeCard({ incidentId }: { incidentId?: string | undefined }) {
  const { t, i18n } = useTranslation();
  const [mode, setMode] = useState<ServiceModeResponse | undefined>(undefined);
  const [loadError, setLoadError] = useState<unknown>(undefined);
  useEffect(() => {
    fetchServiceMode().then(setMode, setLoadError);
  }, []);
  const submit = useSubmit(async () => {
    if (!mode) return;
    if (!mode.readOnly && !window.confirm(t("incidents.readOnlyConfirm"))) return;
    setMode(await setServiceMode({ readOnly: !mode.readOnly, ...(incidentId ? { incidentId } : {}) }));
  });
  return (
    <section className="card" aria-labelledby="service-mode-heading">
      <h2 id="service-mode-heading">{t("incidents.readOnlyHeading")}</h2>
      <ErrorMessage error={loadError ?? submit.error} />
      {mode ? (
        <form onSubmit={submit.onSubmit}>
          <p role="status" data-testid="service-mode-state" className={mode.readOnly ? "notice warning" : "notice"}>
            {mode.readOnly ? t("incidents.readOnlyOn") : t("incidents.readOnlyOff")} ({new Date(mode.changedAt).toLocaleString(i18n.language)})
          </p>
          <p className="hint">{t("incidents.readOnlyHint")}</p>
          <button type="submit" data-testid="service-mode-toggle" disabled={submit.isBusy}>
            {mode.readOnly ? t("incidents.readOnlySwitchOff") : t("incidents.readOnlySwitchOn")}
          </button>
        </form>
      ) : null}
    </section>
  );
}
