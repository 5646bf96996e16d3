import { useState } from "react";
import { useTranslation } from "react-i18next";
import { fetchMySessions, logOutEverywhere, revokeMySession } from "../../api/accounts-api.js";
import { navigate } from "../../app/router.js";
import { useSession } from "../../app/session-context.js";
import { ErrorMessage } from "../../components/error-message.js";
import { Link } from "../../components/link.js";
import { useReloadable } from "../../components/use-reloadable.js";
import { ChangePasswordForm } from "./change-password-form.js";
import { SessionTable } from "./session-table.js";

const loadSessions = () => fetchMySessions().then((list) => list.sessions);

/** /account: every signed-in user's own sessions (end one, log out everywhere) and password change. */
export function MyAccountPage() {
  const { t } = useTranslation();
  const { update } = useSession();
  const { value: sessions, error: loadError, reload } = useReloadable(loadSessions);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const error = loadError ?? actionError;
  const [isBusy, setBusy] = useState(false);

  async function run(action: () => Promise<void>, endsThisSession: boolean) {
    setBusy(true);
    setActionError(undefined);
    try {
      await action();
      if (endsThisSession) {
        update({ stage: "anonymous" });
        navigate("/login", { replace: true });
      } else void reload();
    } catch (failure) {
      setActionError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <section className="card" aria-labelledby="my-sessions-heading">
        <h1 id="my-sessions-heading">{t("sessions.myHeading")}</h1>
        <p className="hint intro">{t("sessions.myIntro")}</p>
        <ErrorMessage error={error} />
        {sessions ? (
          <SessionTable
            sessions={sessions}
            isBusy={isBusy}
            onRevoke={(id) => void run(() => revokeMySession(id), sessions.some((session) => session.id === id && session.isCurrent))}
          />
        ) : error ? null : (
          <p>{t("app.loading")}</p>
        )}
        <button type="button" data-testid="log-out-everywhere" disabled={isBusy} onClick={() => void run(logOutEverywhere, true)}>
          {t("sessions.logOutEverywhere")}
        </button>
      </section>
      <ChangePasswordForm />
      <p>
        <Link to="/">{t("app.backHome")}</Link>
      </p>
    </>
  );
}
