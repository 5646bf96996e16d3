import { useState } from "react";
import { useTranslation } from "react-i18next";
import { login } from "../../api/auth-api.js";
import { useSession } from "../../app/session-context.js";
import { ErrorMessage } from "../../components/error-message.js";
import { TextField } from "../../components/text-field.js";
import { useSubmit } from "../../components/use-submit.js";

/** First sign-in step: e-mail and password. The server then asks for a TOTP code or an enrolment. */
export function LoginPage() {
  const { t } = useTranslation();
  const { notice, update } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const submit = useSubmit(async () => {
    update(await login({ email, password }));
  });
  return (
    <section className="card narrow" aria-labelledby="login-heading">
      <h1 id="login-heading">{t("login.heading")}</h1>
      {notice === "expired" ? (
        <p className="notice" role="status" data-testid="session-expired">
          {t("errors.sessionExpired")}
        </p>
      ) : null}
      <form onSubmit={submit.onSubmit}>
        <TextField id="login-email" label={t("login.email")} type="email" autoComplete="username" required value={email} onValueChange={setEmail} />
        <TextField id="login-password" label={t("login.password")} type="password" autoComplete="current-password" required value={password} onValueChange={setPassword} />
        <ErrorMessage error={submit.error} />
        <button type="submit" data-testid="login-submit" disabled={submit.isBusy}>
          {t("login.submit")}
        </button>
      </form>
    </section>
  );
}
