import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { breakGlassReasonLength, requestBreakGlass } from "../../api/break-glass-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { useSubmit } from "../../components/use-submit.js";

/**
 * Emergency access when the record or chart is refused: the clinician states why (10–500 characters), the server grants
 * time-limited access that the security officer reviews later, and the chart is read again. `intro` says why the
 * chart is closed when more is known than "not permitted" (the patient's consent).
 */
export function BreakGlassRequest({ patientId, intro, onGranted }: { patientId: string; intro?: string | undefined; onGranted(): void }) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const [isOpen, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (isOpen && !element.open) element.showModal();
    if (!isOpen && element.open) element.close();
  }, [isOpen]);
  const submit = useSubmit(async () => {
    const trimmed = reason.trim();
    if (trimmed.length < breakGlassReasonLength.min) throw t("breakGlass.reasonTooShort", { min: breakGlassReasonLength.min });
    await requestBreakGlass(patientId, trimmed);
    setOpen(false);
    setReason("");
    onGranted();
  });
  return (
    <section className="card" aria-labelledby="break-glass-heading">
      <h2 id="break-glass-heading">{t("breakGlass.heading")}</h2>
      <p data-testid="break-glass-intro">{intro ?? t("breakGlass.intro")}</p>
      <button type="button" data-testid="break-glass-open" onClick={() => setOpen(true)}>
        {t("breakGlass.request")}
      </button>
      <dialog
        ref={dialog}
        className="step-up"
        data-testid="break-glass-dialog"
        aria-labelledby="break-glass-dialog-heading"
        onCancel={(event) => {
          event.preventDefault();
          setOpen(false);
        }}
      >
        <h2 id="break-glass-dialog-heading">{t("breakGlass.dialogHeading")}</h2>
        <p className="hint">{t("breakGlass.warning")}</p>
        <form onSubmit={submit.onSubmit}>
          <div className="field">
            <label htmlFor="break-glass-reason">{t("breakGlass.reason")}</label>
            <textarea
              id="break-glass-reason"
              data-testid="break-glass-reason"
              required
              minLength={breakGlassReasonLength.min}
              maxLength={breakGlassReasonLength.max}
              rows={4}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
            />
          </div>
          <ErrorMessage error={submit.error} />
          <div className="actions">
            <button type="submit" data-testid="break-glass-submit" disabled={submit.isBusy}>
              {t("breakGlass.submit")}
            </button>
            <button type="button" className="secondary" onClick={() => setOpen(false)}>
              {t("chart.cancel")}
            </button>
          </div>
        </form>
      </dialog>
    </section>
  );
}
