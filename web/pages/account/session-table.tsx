import { useTranslation } from "react-i18next";
import type { SessionListItem } from "../../../shared/api/index.js";
import { useDateTime } from "../../components/use-date-time.js";
import { DataTable } from "../../components/data-table.js";

/** Open sessions with a button to end each; used for one's own and, by administrators, for another account's. */
export function SessionTable({ sessions, isBusy, onRevoke }: { sessions: readonly SessionListItem[]; isBusy: boolean; onRevoke(id: string): void }) {
  const { t } = useTranslation();
  const formatTime = useDateTime();
  if (sessions.length === 0) return <p data-testid="sessions-empty">{t("sessions.none")}</p>;
  return (
    <DataTable testId="sessions" columns={[t("sessions.createdAt"), t("sessions.lastSeenAt"), t("sessions.ip"), t("sessions.userAgent"), t("sessions.state"), ""]}>
      {sessions.map((session) => (
        <tr key={session.id} data-testid="session-row">
          <td className="nowrap">{formatTime(session.createdAt)}</td>
          <td className="nowrap">{formatTime(session.lastSeenAt)}</td>
          <td>
            <code>{session.ip}</code>
          </td>
          <td>{session.userAgent}</td>
          <td>
            {session.isCurrent ? <strong>{t("sessions.current")}</strong> : null} {session.isSignedIn ? "" : t("sessions.signingIn")}
          </td>
          <td>
            <button type="button" className="secondary" data-testid="session-revoke" disabled={isBusy} onClick={() => onRevoke(session.id)}>
              {t("sessions.revoke")}
            </button>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
