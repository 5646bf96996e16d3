import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { IdsAlertView, IdsRestrictionView } from "../../../shared/api/index.js";
import { changeAlertState, fetchAlerts, fetchRestrictions, liftRestriction } from "../../api/ids-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { Link } from "../../components/link.js";
import { DataTable } from "../../components/data-table.js";
import { useReloadable } from "../../components/use-reloadable.js";

const loadQueue = () => Promise.all([fetchAlerts(), fetchRestrictions()]);

/** The security officer's intrusion detection queue: alerts with their state changes, and locks and blocks in force. */
export function IdsPage() {
  const { t, i18n } = useTranslation();
  const { value: [alerts, restrictions] = [], error: loadError, reload } = useReloadable(loadQueue);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const language = i18n.language.startsWith("en") ? "en" : "ja";
  const when = (iso: string) => new Date(iso).toLocaleString(i18n.language);

  const move = (alert: IdsAlertView, state: "acknowledged" | "closed") => {
    setActionError(undefined);
    changeAlertState(alert.id, state, notes[alert.id] ?? "").then(reload, setActionError);
  };
  const lift = (restriction: IdsRestrictionView) => {
    setActionError(undefined);
    liftRestriction(restriction.id).then(reload, setActionError);
  };

  return (
    <>
      <h1>{t("ids.heading")}</h1>
      <p>
        <Link to="/">{t("app.backHome")}</Link>
      </p>
      <ErrorMessage error={loadError ?? actionError} />
      <section className="card" aria-labelledby="ids-alerts-heading">
        <h2 id="ids-alerts-heading">{t("ids.alertsHeading")}</h2>
        {alerts && alerts.length === 0 ? <p>{t("ids.noAlerts")}</p> : null}
        {alerts && alerts.length > 0 ? (
          <DataTable testId="ids-alerts" columns={[t("ids.openedAt"), t("ids.severity"), t("ids.rule"), t("ids.subject"), t("ids.evidence"), t("ids.state"), t("ids.actions")]}>
            {alerts.map((alert) => (
              <tr key={alert.id} data-rule={alert.ruleId}>
                <td>{when(alert.openedAt)}</td>
                <td>{t(`ids.severity_${alert.severity}`)}</td>
                <td>
                  <code>{alert.ruleId}</code>
                  <br />
                  {alert.description[language]}
                </td>
                <td className="identifier">{alert.accountId ?? alert.ip ?? "—"}</td>
                <td className="identifier">{alert.evidence.slice(0, 20).join(", ") + (alert.evidence.length > 20 ? ` … (${alert.evidence.length})` : "")}</td>
                <td data-testid="ids-state">
                  {t(`ids.state_${alert.state}`)}
                  {alert.acknowledged ? <div>{t("ids.acknowledgedBy", { by: alert.acknowledged.by, at: when(alert.acknowledged.at), note: alert.acknowledged.note })}</div> : null}
                  {alert.closed ? <div>{t("ids.closedBy", { by: alert.closed.by, at: when(alert.closed.at), note: alert.closed.note })}</div> : null}
                </td>
                <td>
                  {alert.state !== "closed" ? (
                    <>
                      <input
                        data-testid="ids-note"
                        aria-label={t("ids.note")}
                        placeholder={t("ids.note")}
                        value={notes[alert.id] ?? ""}
                        maxLength={1000}
                        onChange={(event) => setNotes({ ...notes, [alert.id]: event.target.value })}
                      />
                      {alert.state === "open" ? (
                        <button type="button" data-testid="ids-acknowledge" onClick={() => move(alert, "acknowledged")}>
                          {t("ids.acknowledge")}
                        </button>
                      ) : null}
                      <button type="button" data-testid="ids-close" onClick={() => move(alert, "closed")}>
                        {t("ids.close")}
                      </button>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </DataTable>
        ) : null}
      </section>
      <section className="card" aria-labelledby="ids-restrictions-heading">
        <h2 id="ids-restrictions-heading">{t("ids.restrictionsHeading")}</h2>
        {restrictions && restrictions.length === 0 ? <p>{t("ids.noRestrictions")}</p> : null}
        {restrictions && restrictions.length > 0 ? (
          <DataTable testId="ids-restrictions" columns={[t("ids.kind"), t("ids.subject"), t("ids.rule"), t("ids.until"), t("ids.actions")]}>
            {restrictions.map((restriction) => (
              <tr key={restriction.id}>
                <td>{t(`ids.kind_${restriction.kind}`)}</td>
                <td className="identifier">{restriction.subject}</td>
                <td>
                  <code>{restriction.reason}</code>
                </td>
                <td>{when(restriction.until)}</td>
                <td>
                  <button type="button" data-testid="ids-lift" onClick={() => lift(restriction)}>
                    {t("ids.lift")}
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        ) : null}
      </section>
    </>
  );
}
