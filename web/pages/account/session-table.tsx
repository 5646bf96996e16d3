import { useTranslation } from "react-i18next";
import type { SessionListItem } from "../../../shared/api/index.js";
import { useDateTime } from "../../components/use-date-time.js";

/** Open sessions with a button to end each; used for one's own and, by administrators, for another account's. */
export function SessionTable({ sessions, isBusy, onRevoke }: { sessions: readonly SessionListItem[]; isBusy: boolean; onRevoke(id: string): void }) {
  const { t } = useTranslation();
  const formatTime = useDateTime();
  if (sessions.length === 0) return <p data-testid="sessions-empty">{t("sessions.none")}</p>;
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="sessions">
        <thead>
          <tr>
            <th scope="col">{t("sessions.createdAt")}</th>
            <th scope="col">{t("sessions.lastSeenAt")}</th>
            <th scope="col">{t("sessions.ip")}</th>
            <th scope="col">{t("sessions.userAgent")}</th>
            <th scope="col">{t("sessions.state")}</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
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
        </tbody>
      </table>
    </div>
  );
}
