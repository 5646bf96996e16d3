import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import { fetchAccountSessions, revokeAccountSession, revokeAllAccountSessions } from "../../api/accounts-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { useReloadable } from "../../components/use-reloadable.js";
import { SessionTable } from "../account/session-table.js";

/** An administrator's view of one account's open sessions, ending one or all. */
export function AccountSessions({ accountId }: { accountId: string }) {
  const { t } = useTranslation();
  const load = useCallback(() => fetchAccountSessions(accountId).then((list) => list.sessions), [accountId]);
  const { value: sessions, error: loadError, reload } = useReloadable(load);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [isBusy, setBusy] = useState(false);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setActionError(undefined);
    try {
      await action();
      void reload();
    } catch (failure) {
      setActionError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="result" data-testid="account-sessions">
      <ErrorMessage error={loadError ?? actionError} />
      {sessions ? <SessionTable sessions={sessions} isBusy={isBusy} onRevoke={(id) => void run(() => revokeAccountSession(accountId, id))} /> : null}
      {sessions && sessions.length > 0 ? (
        <button type="button" className="secondary" data-testid="account-sessions-revoke-all" disabled={isBusy} onClick={() => void run(() => revokeAllAccountSessions(accountId))}>
          {t("sessions.revokeAll")}
        </button>
      ) : null}
    </div>
  );
}
