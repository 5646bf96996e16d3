import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { IdsAlertView, IdsRestrictionView } from "../../../shared/api/index.js";
import { changeAlertState, fetchAlerts, fetchRestrictions, liftRestriction } from "../../api/ids-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { Link } from "../../components/link.js";

/** The security officer's intrusion detection queue: alerts with their state changes, and locks and blocks in force. */
export function IdsPage() {
  const { t, i18n } = useTranslation();
  const [alerts, setAlerts] = useState<IdsAlertView[] | undefined>(undefined);
  const [restrictions, setRestrictions] = useState<IdsRestrictionView[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const language = i18n.language.startsWith("en") ? "en" : "ja";
  const when = (iso: string) => new Date(iso).toLocaleString(i18n.language);

  const reload = useCallback(() => {
    Promise.all([fetchAlerts(), fetchRestrictions()]).then(([nextAlerts, nextRestrictions]) => {
      setAlerts(nextAlerts);
      setRestrictions(nextRestrictions);
    }, setError);
  }, []);
  useEffect(reload, [reload]);

  const move = (alert: IdsAlertView, state: "acknowledged" | "closed") => {
    setError(undefined);
    changeAlertState(alert.id, state, notes[alert.id] ?? "").then(reload, setError);
  };
  const lift = (restriction: IdsRestrictionView) => {
    setError(undefined);
    liftRestriction(restriction.id).then(reload, setError);
  };

  return (
    <>
      <h1>{t("ids.heading")}</h1>
      <p>
        <Link to="/">{t("app.backHome")}</Link>
      </p>
      <ErrorMessage error={error} />
      <section className="card" aria-labelledby="ids-alerts-heading">
        <h2 id="ids-alerts-heading">{t("ids.alertsHeading")}</h2>
        {alerts && alerts.length === 0 ? <p>{t("ids.noAlerts")}</p> : null}
        {alerts && alerts.length > 0 ? (
          <div className="table-scroll">
            <table className="data-table" data-testid="ids-alerts">
              <thead>
                <tr>
                  <th scope="col">{t("ids.openedAt")}</th>
                  <th scope="col">{t("ids.severity")}</th>
                  <th scope="col">{t("ids.rule")}</th>
                  <th scope="col">{t("ids.subject")}</th>
                  <th scope="col">{t("ids.evidence")}</th>
                  <th scope="col">{t("ids.state")}</th>
                  <th scope="col">{t("ids.actions")}</th>
                </tr>
              </thead>
              <tbody>
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
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      <section className="card" aria-labelledby="ids-restrictions-heading">
        <h2 id="ids-restrictions-heading">{t("ids.restrictionsHeading")}</h2>
        {restrictions && restrictions.length === 0 ? <p>{t("ids.noRestrictions")}</p> : null}
        {restrictions && restrictions.length > 0 ? (
          <div className="table-scroll">
            <table className="data-table" data-testid="ids-restrictions">
              <thead>
                <tr>
                  <th scope="col">{t("ids.kind")}</th>
                  <th scope="col">{t("ids.subject")}</th>
                  <th scope="col">{t("ids.rule")}</th>
                  <th scope="col">{t("ids.until")}</th>
                  <th scope="col">{t("ids.actions")}</th>
                </tr>
              </thead>
              <tbody>
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
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}

/** The home page's way in to the alert queue, for the security officer. */
export function IdsCard() {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="ids-card-heading">
      <h2 id="ids-card-heading">{t("ids.heading")}</h2>
      <p>{t("ids.homeText")}</p>
      <Link to="/security/alerts" className="button-link" testId="open-ids">
        {t("ids.open")}
      </Link>
    </section>
  );
}
