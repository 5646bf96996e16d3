import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { OpenIncidentRequest } from "../../../shared/api/index.js";
import { fetchIncidents, openIncident } from "../../api/incidents-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { SelectField } from "../../components/select-field.js";
import { TextField } from "../../components/text-field.js";
import { useReloadable } from "../../components/use-reloadable.js";
import { useSubmit } from "../../components/use-submit.js";
import { IncidentDetail } from "./incident-detail.js";
import { DeadlineList } from "./incident-deadlines.js";
import { ServiceModeCard } from "./service-mode-card.js";
import { DataTable } from "../../components/data-table.js";

const kinds = ["unauthorized_access", "malware", "leak", "loss", "misdelivery", "other"] as const;
const severities = ["low", "medium", "high", "critical"] as const;
const loadIncidents = () => fetchIncidents().then((page) => page.incidents);

/** 2026-11-25T10:30 in local time, the value a datetime-local field expects. */
function localDateTimeValue(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** Incident handling for the security officer (情報管理責任者): open, follow deadlines, act. */
export function IncidentsPage() {
  const { t, i18n } = useTranslation();
  const { value: incidents, error: loadError, reload } = useReloadable(loadIncidents);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [title, setTitle] = useState("");
  const [kind, setKind] = useState<OpenIncidentRequest["kind"] | "">("");
  const [severity, setSeverity] = useState<OpenIncidentRequest["severity"]>("high");
  const [detectedAt, setDetectedAt] = useState(() => localDateTimeValue(new Date()));

  const submit = useSubmit(async () => {
    if (!kind) return;
    const opened = await openIncident({ title, kind, severity, detectedAt: new Date(detectedAt).toISOString() });
    setTitle("");
    await reload();
    setSelected(opened.id);
  });

  return (
    <>
      <h1>{t("incidents.heading")}</h1>
      <ServiceModeCard incidentId={selected} />
      <section className="card" aria-labelledby="incident-open-heading">
        <h2 id="incident-open-heading">{t("incidents.openHeading")}</h2>
        <p className="hint intro">{t("incidents.noPatientData")}</p>
        <form onSubmit={submit.onSubmit}>
          <TextField id="incident-title" label={t("incidents.title")} required maxLength={200} autoComplete="off" value={title} onValueChange={setTitle} />
          <div className="row">
            <SelectField id="incident-kind" label={t("incidents.kind")} required placeholder={t("incidents.choose")} value={kind} options={kinds.map((value) => ({ value, label: t(`incidentKind.${value}`) }))} onValueChange={setKind} />
            <SelectField id="incident-severity" label={t("incidents.severity")} value={severity} options={severities.map((value) => ({ value, label: t(`incidentSeverity.${value}`) }))} onValueChange={setSeverity} />
            <TextField id="incident-detected-at" label={t("incidents.detectedAt")} type="datetime-local" required value={detectedAt} onValueChange={setDetectedAt} hint={t("incidents.detectedAtHint")} />
          </div>
          <ErrorMessage error={submit.error} />
          <button type="submit" data-testid="incident-submit" disabled={submit.isBusy}>
            {t("incidents.submit")}
          </button>
        </form>
      </section>
      <section className="card" aria-labelledby="incident-list-heading">
        <h2 id="incident-list-heading">{t("incidents.listHeading")}</h2>
        <ErrorMessage error={loadError} />
        {incidents && incidents.length === 0 ? <p>{t("incidents.empty")}</p> : null}
        {incidents && incidents.length > 0 ? (
          <DataTable testId="incidents" columns={[t("incidents.detectedAt"), t("incidents.title"), t("incidents.kind"), t("incidents.severity"), t("incidents.deadlines")]}>
            {incidents.map((incident) => (
              <tr key={incident.id} aria-selected={incident.id === selected}>
                <td>{new Date(incident.detectedAt).toLocaleString(i18n.language)}</td>
                <td>
                  <button type="button" className="link-button" onClick={() => setSelected(incident.id)}>
                    {incident.title}
                  </button>
                </td>
                <td>{t(`incidentKind.${incident.kind}`)}</td>
                <td>{t(`incidentSeverity.${incident.severity}`)}</td>
                <td>
                  <DeadlineList deadlines={incident.deadlines} />
                </td>
              </tr>
            ))}
          </DataTable>
        ) : null}
      </section>
      {selected ? <IncidentDetail key={selected} id={selected} /> : null}
    </>
  );
}
