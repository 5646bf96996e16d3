import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { BackupStatusResponse } from "../../../shared/api/index.js";
import { fetchBackupStatus } from "../../api/backups-api.js";
import { ErrorMessage } from "../../components/error-message.js";

/** The administrator's view of the backups: newest archive, generations kept and the last restore drill (read-only). */
export function BackupStatusCard() {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<BackupStatusResponse | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    fetchBackupStatus().then(setStatus, setError);
  }, []);
  const date = new Intl.DateTimeFormat(i18n.language === "ja" ? "ja-JP" : "en-CA", { dateStyle: "long", timeStyle: "short" });
  const formatDate = (iso: string | undefined) => (iso ? date.format(new Date(iso)) : t("backups.never"));
  return (
    <section className="card" aria-labelledby="backups-heading" data-testid="backup-status">
      <h2 id="backups-heading">{t("backups.heading")}</h2>
      <ErrorMessage error={error} />
      {status ? (
        <dl className="facts">
          <dt>{t("backups.newestAt")}</dt>
          <dd data-testid="backup-newest-at">{formatDate(status.newestAt)}</dd>
          <dt>{t("backups.oldestAt")}</dt>
          <dd data-testid="backup-oldest-at">{formatDate(status.oldestAt)}</dd>
          <dt>{t("backups.generations")}</dt>
          <dd data-testid="backup-generations">{t("backups.generationsValue", { count: status.generations, min: status.minGenerations })}</dd>
          <dt>{t("backups.lastDrill")}</dt>
          <dd data-testid="backup-last-drill">
            {status.lastDrill ? `${formatDate(status.lastDrill.at)} — ${t(status.lastDrill.isPassed ? "backups.drillPassed" : "backups.drillFailed")}` : t("backups.never")}
          </dd>
        </dl>
      ) : error ? null : (
        <p>{t("app.loading")}</p>
      )}
    </section>
  );
}
