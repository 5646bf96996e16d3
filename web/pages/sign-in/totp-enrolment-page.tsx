import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { EnrolmentCompleted, TotpEnrolmentStart } from "../../../shared/api/index.js";
import { confirmTotpEnrolment, startTotpEnrolment } from "../../api/auth-api.js";
import { useSession } from "../../app/session-context.js";
import { ErrorMessage } from "../../components/error-message.js";
import { RecoveryCodesPanel } from "../../components/recovery-codes-panel.js";
import { TotpCodeField } from "../../components/totp-code-field.js";
import { useSubmit } from "../../components/use-submit.js";
import { PasskeyEnrolment } from "./passkey-enrolment.js";

/**
 * Stage enrolment_required: shows a new TOTP secret as a QR code and as text, then confirms one code; or enrols a
 * passkey instead. Either way the recovery codes are shown once before the session's screens open.
 */
export function TotpEnrolmentPage() {
  const { t } = useTranslation();
  const { update } = useSession();
  const [enrolment, setEnrolment] = useState<TotpEnrolmentStart | undefined>(undefined);
  const [startError, setStartError] = useState<unknown>(undefined);
  const [code, setCode] = useState("");
  const [completed, setCompleted] = useState<EnrolmentCompleted | undefined>(undefined);
  const hasStarted = useRef(false);

  useEffect(() => {
    // Each start issues a new secret, so start once even when React runs effects twice.
    if (hasStarted.current) return;
    hasStarted.current = true;
    startTotpEnrolment().then(setEnrolment, setStartError);
  }, []);

  const submit = useSubmit(async () => {
    try {
      setCompleted(await confirmTotpEnrolment(code));
    } finally {
      setCode("");
    }
  });

  if (completed) {
    const { recoveryCodes, ...view } = completed;
    return (
      <section className="card narrow">
        <RecoveryCodesPanel codes={recoveryCodes} onDone={() => update(view)} />
      </section>
    );
  }

  return (
    <section className="card narrow" aria-labelledby="enrolment-heading">
      <h1 id="enrolment-heading">{t("enrolment.heading")}</h1>
      <ErrorMessage error={startError} />
      {enrolment ? (
        <>
          <p>{t("enrolment.help")}</p>
          <img className="qr-code" src={enrolment.qrCodeDataUrl} alt={t("enrolment.qrAlt")} data-testid="totp-qr" />
          <p className="secret-label">{t("enrolment.secret")}</p>
          <code className="secret" data-testid="totp-secret">
            {enrolment.secret}
          </code>
          <form onSubmit={submit.onSubmit}>
            <TotpCodeField id="enrolment-code" label={t("enrolment.code")} value={code} onValueChange={setCode} />
            <ErrorMessage error={submit.error} />
            <button type="submit" data-testid="enrolment-submit" disabled={submit.isBusy}>
              {t("enrolment.submit")}
            </button>
          </form>
          <PasskeyEnrolment onEnrolled={setCompleted} />
        </>
      ) : startError ? null : (
        <p role="status">{t("enrolment.starting")}</p>
      )}
    </section>
  );
}
