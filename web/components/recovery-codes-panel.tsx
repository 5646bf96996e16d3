import { useTranslation } from "react-i18next";

/** Shows a new set of recovery codes once: the server keeps only their hashes, so this is the only chance. */
export function RecoveryCodesPanel({ codes, onDone }: { codes: readonly string[]; onDone(): void }) {
  const { t } = useTranslation();
  return (
    <div className="recovery-codes" data-testid="recovery-codes" role="region" aria-labelledby="recovery-codes-heading">
      <h2 id="recovery-codes-heading">{t("recovery.heading")}</h2>
      <p>{t("recovery.help")}</p>
      <ol className="recovery-code-list">
        {codes.map((code) => (
          <li key={code}>
            <code data-testid="recovery-code">{code}</code>
          </li>
        ))}
      </ol>
      <p className="hint">{t("recovery.once")}</p>
      <button type="button" data-testid="recovery-codes-done" onClick={onDone}>
        {t("recovery.done")}
      </button>
    </div>
  );
}
