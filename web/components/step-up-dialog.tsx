import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { FactorsView } from "../../shared/api/index.js";
import { fetchFactors, passkeyOptions, reverify, reverifyWithPasskey } from "../api/mfa-api.js";
import { onStepUpRequest } from "../api/step-up.js";
import { ErrorMessage } from "./error-message.js";
import { canUsePasskeys, signWithPasskey } from "./passkey-support.js";
import { TextField } from "./text-field.js";
import { TotpCodeField } from "./totp-code-field.js";

type Method = "totp" | "passkey" | "recovery_code";

/**
 * Asks for a fresh second factor when a privileged action answers `session.step_up_required`; the action is
 * retried after a successful re-verification (web/api/step-up.ts).
 */
export function StepUpDialog() {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const settle = useRef<((verified: boolean) => void) | undefined>(undefined);
  const [factors, setFactors] = useState<FactorsView | undefined>(undefined);
  const [method, setMethod] = useState<Method>("totp");
  const [code, setCode] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [isBusy, setBusy] = useState(false);

  useEffect(
    () =>
      onStepUpRequest(
        () =>
          new Promise<boolean>((resolve) => {
            settle.current = resolve;
            setError(undefined);
            setCode("");
            fetchFactors().then((found) => {
              setFactors(found);
              setMethod(found.totp ? "totp" : found.passkeys.length > 0 && canUsePasskeys() ? "passkey" : "recovery_code");
            }, setError);
            dialog.current?.showModal();
          }),
      ),
    [],
  );

  function finish(verified: boolean) {
    dialog.current?.close();
    settle.current?.(verified);
    settle.current = undefined;
  }

  async function submit(verify: () => Promise<unknown>) {
    if (isBusy) return;
    setBusy(true);
    setError(undefined);
    try {
      await verify();
      finish(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
      setCode("");
    }
  }

  const methods: Method[] = [
    ...(factors?.totp ? (["totp"] as const) : []),
    ...(factors && factors.passkeys.length > 0 && canUsePasskeys() ? (["passkey"] as const) : []),
    ...(factors && factors.recoveryCodesRemaining > 0 ? (["recovery_code"] as const) : []),
  ];

  return (
    <dialog
      ref={dialog}
      className="step-up"
      data-testid="step-up-dialog"
      aria-labelledby="step-up-heading"
      onCancel={(event) => {
        event.preventDefault();
        finish(false);
      }}
    >
      <h2 id="step-up-heading">{t("stepUp.heading")}</h2>
      <p>{t("stepUp.help")}</p>
      {methods.length > 1 ? (
        <div className="actions" role="group" aria-label={t("stepUp.method")}>
          {methods.map((candidate) => (
            <button key={candidate} type="button" className={candidate === method ? "" : "secondary"} data-testid={`step-up-method-${candidate}`} onClick={() => setMethod(candidate)}>
              {t(`stepUp.method_${candidate}`)}
            </button>
          ))}
        </div>
      ) : null}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (method === "passkey") void submit(async () => reverifyWithPasskey(await signWithPasskey(await passkeyOptions())));
          else void submit(() => reverify(method === "totp" ? { method: "totp", code } : { method: "recovery_code", code }));
        }}
      >
        {method === "totp" ? <TotpCodeField id="step-up-code" label={t("login.totpCode")} value={code} onValueChange={setCode} /> : null}
        {method === "recovery_code" ? (
          <TextField id="step-up-recovery-code" label={t("recovery.code")} value={code} onValueChange={setCode} autoComplete="off" required />
        ) : null}
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="submit" data-testid="step-up-submit" disabled={isBusy}>
            {method === "passkey" ? t("passkey.use") : t("stepUp.submit")}
          </button>
          <button type="button" className="secondary" data-testid="step-up-cancel" onClick={() => finish(false)}>
            {t("stepUp.cancel")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
