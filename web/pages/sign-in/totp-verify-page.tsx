import { useState } from "react";
import { useTranslation } from "react-i18next";
import { verifyTotp } from "../../api/auth-api.js";
import { useSession } from "../../app/session-context.js";
import { ErrorMessage } from "../../components/error-message.js";
import { TotpCodeField } from "../../components/totp-code-field.js";
import { useSubmit } from "../../components/use-submit.js";

/** Second sign-in step (stage mfa_required): the 6-digit code from the authenticator app. */
export function TotpVerifyPage() {
  const { t } = useTranslation();
  const { update, signOut } = useSession();
  const [code, setCode] = useState("");
  const submit = useSubmit(async () => {
    try {
      update(await verifyTotp(code));
    } finally {
      setCode("");
    }
  });
  return (
    <section className="card narrow" aria-labelledby="totp-heading">
      <h1 id="totp-heading">{t("login.totpHeading")}</h1>
      <p>{t("login.totpHelp")}</p>
      <form onSubmit={submit.onSubmit}>
        <TotpCodeField id="totp-code" label={t("login.totpCode")} value={code} onValueChange={setCode} />
        <ErrorMessage error={submit.error} />
        <div className="actions">
          <button type="submit" data-testid="totp-submit" disabled={submit.isBusy}>
            {t("login.totpSubmit")}
          </button>
          <button type="button" className="secondary" data-testid="totp-start-over" onClick={() => void signOut()}>
            {t("login.startOver")}
          </button>
        </div>
      </form>
    </section>
  );
}
