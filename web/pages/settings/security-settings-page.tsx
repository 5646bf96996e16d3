import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FactorsView } from "../../../shared/api/index.js";
import { fetchFactors, regenerateRecoveryCodes } from "../../api/mfa-api.js";
import { withStepUp } from "../../api/step-up.js";
import { ErrorMessage } from "../../components/error-message.js";
import { RecoveryCodesPanel } from "../../components/recovery-codes-panel.js";
import { useReloadable } from "../../components/use-reloadable.js";
import { PasskeySettings } from "./passkey-settings.js";
import { TotpSettings } from "./totp-settings.js";

/**
 * /settings/security (セキュリティ設定): the signed-in user's second factors. Every change asks for a recent
 * second factor (the server answers `session.step_up_required`, the dialog re-verifies, the change is retried).
 */
export function SecuritySettingsPage() {
  const { t, i18n } = useTranslation();
  const { value: factors, error: loadError, reload } = useReloadable(fetchFactors);
  const [changeError, setChangeError] = useState<unknown>(undefined);
  const error = loadError ?? changeError;
  const [codes, setCodes] = useState<string[] | undefined>(undefined);
  const [isBusy, setBusy] = useState(false);
  const date = new Intl.DateTimeFormat(i18n.language === "ja" ? "ja-JP" : "en-CA", { dateStyle: "long", timeStyle: "short" });

  /** Runs a change with step-up, shows any new recovery codes, and re-reads the factors. */
  const change = useCallback(
    async (action: () => Promise<{ recoveryCodes?: string[] | undefined } | void>) => {
      setChangeError(undefined);
      setBusy(true);
      try {
        const result = await withStepUp(action);
        if (result?.recoveryCodes) setCodes(result.recoveryCodes);
        void reload();
      } catch (failure) {
        setChangeError(failure);
      } finally {
        setBusy(false);
      }
    },
    [reload],
  );

  return (
    <>
      <h1 id="security-heading">{t("security.heading")}</h1>
      <ErrorMessage error={error} />
      {codes ? (
        <section className="card">
          <RecoveryCodesPanel codes={codes} onDone={() => setCodes(undefined)} />
        </section>
      ) : null}
      {factors ? (
        <>
          <TotpSettings factors={factors} date={date} isBusy={isBusy} change={change} />
          <PasskeySettings factors={factors} date={date} isBusy={isBusy} change={change} />
          <section className="card" aria-labelledby="recovery-settings-heading">
            <h2 id="recovery-settings-heading">{t("security.recoveryHeading")}</h2>
            <p data-testid="recovery-codes-remaining">{t("security.recoveryRemaining", { count: factors.recoveryCodesRemaining })}</p>
            <p className="hint">{t("security.recoveryHelp")}</p>
            <button
              type="button"
              data-testid="recovery-codes-regenerate"
              disabled={isBusy || (!factors.totp && factors.passkeys.length === 0)}
              onClick={() => void change(regenerateRecoveryCodes)}
            >
              {t("security.recoveryRegenerate")}
            </button>
          </section>
        </>
      ) : error ? null : (
        <p role="status">{t("app.loading")}</p>
      )}
    </>
  );
}

/** What the factor sections share with the page. */
export interface FactorSectionProps {
  factors: FactorsView;
  date: Intl.DateTimeFormat;
  isBusy: boolean;
  change(action: () => Promise<{ recoveryCodes?: string[] | undefined } | void>): Promise<void>;
}
