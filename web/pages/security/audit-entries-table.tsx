import { useTranslation } from "react-i18next";
import type { AuditEntryView } from "../../../shared/api/index.js";

/** One page of audit entries: identifiers and codes only, as the trail holds them. */
export function AuditEntriesTable({ entries }: { entries: readonly AuditEntryView[] }) {
  const { t, i18n } = useTranslation();
  // Japanese style 2026/04/01 09:00:00 in the browser's time zone; English keeps the same order of parts.
  const time = new Intl.DateTimeFormat(i18n.language === "ja" ? "ja-JP" : "en-CA", {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
  });
  if (entries.length === 0) return <p data-testid="audit-empty">{t("audit.noEntries")}</p>;
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="audit-entries">
        <thead>
          <tr>
            <th scope="col">{t("audit.time")}</th>
            <th scope="col">{t("audit.action")}</th>
            <th scope="col">{t("audit.outcome")}</th>
            <th scope="col">{t("audit.reason")}</th>
            <th scope="col">{t("audit.account")}</th>
            <th scope="col">{t("audit.patientId")}</th>
            <th scope="col">{t("audit.ip")}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.seq} data-testid="audit-entry">
              <td className="nowrap">{time.format(new Date(entry.at))}</td>
              <td>
                <code>{entry.action}</code>
              </td>
              <td className={`outcome-${entry.outcome}`}>{t(`auditOutcome.${entry.outcome}`)}</td>
              <td>
                <code>{entry.reasonCode ?? ""}</code>
              </td>
              <td>
                <code className="identifier">{entry.accountId ?? ""}</code>
                {entry.roles.length > 0 ? <span className="roles"> {entry.roles.join(", ")}</span> : null}
              </td>
              <td>
                <code className="identifier">{entry.patientId ?? ""}</code>
              </td>
              <td>
                <code>{entry.ip}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
