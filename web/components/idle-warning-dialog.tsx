import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "../app/session-context.js";

/** Warns a minute before the idle limit; "continue" refreshes the session, doing nothing logs out. */
export function IdleWarningDialog() {
  const { t } = useTranslation();
  const { idleWarningMs, stayActive } = useSession();
  const dialog = useRef<HTMLDialogElement>(null);
  const isOpen = idleWarningMs !== undefined;

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (isOpen && !element.open) element.showModal();
    if (!isOpen && element.open) element.close();
  }, [isOpen]);

  return (
    <dialog
      ref={dialog}
      className="idle-warning"
      data-testid="idle-warning"
      aria-labelledby="idle-warning-heading"
      onCancel={(event) => {
        // Escape means "I am here", not "log me out".
        event.preventDefault();
        void stayActive();
      }}
    >
      <h2 id="idle-warning-heading">{t("idle.heading")}</h2>
      <p>{t("idle.body", { seconds: Math.max(0, Math.ceil((idleWarningMs ?? 0) / 1000)) })}</p>
      <button type="button" data-testid="idle-continue" onClick={() => void stayActive()} autoFocus>
        {t("idle.continue")}
      </button>
    </dialog>
  );
}
