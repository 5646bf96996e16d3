import { useTranslation } from "react-i18next";
import type { AuditEntryView } from "../../../shared/api/index.js";
import { DataTable } from "../../components/data-table.js";

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
    <DataTable testId="audit-entries" columns={[t("audit.time"), t("audit.action"), t("audit.outcome"), t("audit.reason"), t("audit.account"), t("audit.patientId"), t("audit.ip")]}>
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
    </DataTable>
  );
}
