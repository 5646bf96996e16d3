import { useState } from "react";
import { useTranslation } from "react-i18next";
import { changePassword } from "../../api/accounts-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { TextField } from "../../components/text-field.js";
import { useSubmit } from "../../components/use-submit.js";

/** Changes the signed-in user's password; the server checks the current one and the password policy. */
export function ChangePasswordForm() {
  const { t } = useTranslation();
  const [currentPassword, setCurrent] = useState("");
  const [newPassword, setNew] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [isDone, setDone] = useState(false);
  const submit = useSubmit(async () => {
    setDone(false);
    if (newPassword !== confirmation) throw t("invitation.passwordMismatch");
    await changePassword({ currentPassword, newPassword });
    setCurrent("");
    setNew("");
    setConfirmation("");
    setDone(true);
  });
  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">{t("password.heading")}</h2>
      <form onSubmit={submit.onSubmit}>
        <TextField id="password-current" label={t("password.current")} type="password" required autoComplete="current-password" value={currentPassword} onValueChange={setCurrent} />
        <TextField id="password-new" label={t("password.new")} type="password" required autoComplete="new-password" hint={t("password.hint")} value={newPassword} onValueChange={setNew} />
        <TextField id="password-confirm" label={t("password.confirm")} type="password" required autoComplete="new-password" value={confirmation} onValueChange={setConfirmation} />
        <ErrorMessage error={submit.error} />
        {isDone ? (
          <p className="notice" role="status" data-testid="password-changed">
            {t("password.changed")}
          </p>
        ) : null}
        <button type="submit" data-testid="password-submit" disabled={submit.isBusy}>
          {t("password.submit")}
        </button>
      </form>
    </section>
  );
}
