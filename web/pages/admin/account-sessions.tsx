import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { SessionListItem } from "../../../shared/api/index.js";
import { fetchAccountSessions, revokeAccountSession, revokeAllAccountSessions } from "../../api/accounts-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { SessionTable } from "../account/session-table.js";

/** An administrator's view of one account's open sessions, ending one or all. */
export function AccountSessions({ accountId }: { accountId: string }) {
  const { t } = useTranslation();
  const [sessions, setSessions] = useState<SessionListItem[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [isBusy, setBusy] = useState(false);
  const load = useCallback(() => {
    fetchAccountSessions(accountId).then((list) => setSessions(list.sessions), setError);
  }, [accountId]);
  useEffect(load, [load]);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      load();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="result" data-testid="account-sessions">
      <ErrorMessage error={error} />
      {sessions ? <SessionTable sessions={sessions} isBusy={isBusy} onRevoke={(id) => void run(() => revokeAccountSession(accountId, id))} /> : null}
      {sessions && sessions.length > 0 ? (
        <button type="button" className="secondary" data-testid="account-sessions-revoke-all" disabled={isBusy} onClick={() => void run(() => revokeAllAccountSessions(accountId))}>
          {t("sessions.revokeAll")}
        </button>
      ) : null}
    </div>
  );
}
