import { useState } from "react";
import { useTranslation } from "react-i18next";
import { addPasskey, newPasskeyOptions, removePasskey } from "../../api/mfa-api.js";
import { canUsePasskeys, createPasskey } from "../../components/passkey-support.js";
import { TextField } from "../../components/text-field.js";
import type { FactorSectionProps } from "./security-settings-page.js";

/** Passkeys: the list with their names and dates, removing one, adding one. */
export function PasskeySettings({ factors, date, isBusy, change }: FactorSectionProps) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  return (
    <section className="card" aria-labelledby="passkey-settings-heading">
      <h2 id="passkey-settings-heading">{t("security.passkeysHeading")}</h2>
      {factors.passkeys.length === 0 ? <p className="hint">{t("security.passkeysNone")}</p> : null}
      <ul className="factor-list" data-testid="passkey-list">
        {factors.passkeys.map((passkey) => (
          <li key={passkey.id} className="actions" data-testid="passkey-item">
            <p>
              <strong>{passkey.name}</strong>{" "}
              <span className="hint">
                {t("security.passkeyDates", {
                  created: date.format(passkey.createdAt),
                  used: passkey.lastUsedAt ? date.format(passkey.lastUsedAt) : t("security.neverUsed"),
                })}
              </span>
            </p>
            <button type="button" className="secondary" disabled={isBusy} onClick={() => void change(() => removePasskey(passkey.id))}>
              {t("security.remove")}
            </button>
          </li>
        ))}
      </ul>
      {canUsePasskeys() ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void change(async () => addPasskey(name, await createPasskey(await newPasskeyOptions()))).then(() => setName(""));
          }}
        >
          <TextField id="passkey-add-name" label={t("passkey.name")} hint={t("passkey.nameHint")} value={name} onValueChange={setName} maxLength={64} required />
          <button type="submit" data-testid="passkey-add" disabled={isBusy}>
            {t("security.passkeyAdd")}
          </button>
        </form>
      ) : (
        <p className="hint">{t("security.passkeysUnsupported")}</p>
      )}
    </section>
  );
}
