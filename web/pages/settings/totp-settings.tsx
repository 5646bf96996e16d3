import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { TotpEnrolmentStart } from "../../../shared/api/index.js";
import { confirmSettingsTotpEnrolment, removeTotp, startSettingsTotpEnrolment } from "../../api/mfa-api.js";
import { TotpCodeField } from "../../components/totp-code-field.js";
import type { FactorSectionProps } from "./security-settings-page.js";

/** The authenticator app (TOTP): when it was set up and removing it, or setting one up. */
export function TotpSettings({ factors, date, isBusy, change }: FactorSectionProps) {
  const { t } = useTranslation();
  const [enrolment, setEnrolment] = useState<TotpEnrolmentStart | undefined>(undefined);
  const [code, setCode] = useState("");
  return (
    <section className="card" aria-labelledby="totp-settings-heading">
      <h2 id="totp-settings-heading">{t("security.totpHeading")}</h2>
      {factors.totp ? (
        <div className="actions">
          <p data-testid="totp-enrolled">{t("security.totpEnrolled", { date: date.format(factors.totp.enrolledAt) })}</p>
          <button type="button" className="secondary" data-testid="totp-remove" disabled={isBusy} onClick={() => void change(removeTotp)}>
            {t("security.remove")}
          </button>
        </div>
      ) : enrolment ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void change(async () => {
              const result = await confirmSettingsTotpEnrolment(code);
              setEnrolment(undefined);
              return result;
            }).finally(() => setCode(""));
          }}
        >
          <p>{t("enrolment.help")}</p>
          <img className="qr-code" src={enrolment.qrCodeDataUrl} alt={t("enrolment.qrAlt")} data-testid="settings-totp-qr" />
          <p className="secret-label">{t("enrolment.secret")}</p>
          <code className="secret" data-testid="settings-totp-secret">
            {enrolment.secret}
          </code>
          <TotpCodeField id="settings-totp-code" label={t("enrolment.code")} value={code} onValueChange={setCode} />
          <button type="submit" data-testid="settings-totp-submit" disabled={isBusy}>
            {t("enrolment.submit")}
          </button>
        </form>
      ) : (
        <>
          <p className="hint">{t("security.totpNone")}</p>
          <button type="button" data-testid="totp-add" disabled={isBusy} onClick={() => void change(async () => setEnrolment(await startSettingsTotpEnrolment()))}>
            {t("security.totpAdd")}
          </button>
        </>
      )}
    </section>
  );
}
