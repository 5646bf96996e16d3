import { useState } from "react";
import { useTranslation } from "react-i18next";
import { verifyTotp } from "../../api/auth-api.js";
import { passkeyOptions, verifyPasskey, verifyRecoveryCode } from "../../api/mfa-api.js";
import { useSession } from "../../app/session-context.js";
import { ErrorMessage } from "../../components/error-message.js";
import { canUsePasskeys, signWithPasskey } from "../../components/passkey-support.js";
import { TextField } from "../../components/text-field.js";
import { TotpCodeField } from "../../components/totp-code-field.js";
import { useSubmit } from "../../components/use-submit.js";

type Method = "totp" | "passkey" | "recovery_code";

/**
 * Second sign-in step (stage mfa_required): the 6-digit code from the authenticator app, a passkey, or a
 * recovery code when neither is at hand (AUTH-7).
 */
export function TotpVerifyPage() {
  const { t } = useTranslation();
  const { view, update, signOut } = useSession();
  const factors = view?.secondFactors ?? ["totp"];
  const hasPasskey = factors.includes("passkey") && canUsePasskeys();
  const [method, setMethod] = useState<Method>(factors.includes("totp") ? "totp" : hasPasskey ? "passkey" : "recovery_code");
  const [code, setCode] = useState("");
  const submit = useSubmit(async () => {
    try {
      if (method === "totp") update(await verifyTotp(code));
      else if (method === "recovery_code") update(await verifyRecoveryCode(code));
      else update(await verifyPasskey(await signWithPasskey(await passkeyOptions())));
    } finally {
      setCode("");
    }
  });
  const others: Method[] = (["totp", "passkey", "recovery_code"] as const).filter(
    (candidate) => candidate !== method && (candidate === "recovery_code" || (candidate === "passkey" ? hasPasskey : factors.includes("totp"))),
  );
  return (
    <section className="card narrow" aria-labelledby="totp-heading">
      <h1 id="totp-heading">{t(method === "recovery_code" ? "recovery.heading" : method === "passkey" ? "passkey.heading" : "login.totpHeading")}</h1>
      <p>{t(method === "recovery_code" ? "recovery.signInHelp" : method === "passkey" ? "passkey.signInHelp" : "login.totpHelp")}</p>
      <form onSubmit={submit.onSubmit}>
        {method === "totp" ? <TotpCodeField id="totp-code" label={t("login.totpCode")} value={code} onValueChange={setCode} /> : null}
        {method === "recovery_code" ? (
          <TextField id="recovery-code-input" label={t("recovery.code")} value={code} onValueChange={setCode} autoComplete="off" autoFocus required />
        ) : null}
        <ErrorMessage error={submit.error} />
        <div className="actions">
          <button type="submit" data-testid="totp-submit" disabled={submit.isBusy}>
            {method === "passkey" ? t("passkey.use") : t("login.totpSubmit")}
          </button>
          <button type="button" className="secondary" data-testid="totp-start-over" onClick={() => void signOut()}>
            {t("login.startOver")}
          </button>
        </div>
      </form>
      <div className="actions alternative">
        {others.map((other) => (
          <button
            key={other}
            type="button"
            className="link-button"
            data-testid={`second-factor-${other}`}
            onClick={() => {
              submit.setError(undefined);
              setCode("");
              setMethod(other);
            }}
          >
            {t(`stepUp.switchTo_${other}`)}
          </button>
        ))}
      </div>
    </section>
  );
}
