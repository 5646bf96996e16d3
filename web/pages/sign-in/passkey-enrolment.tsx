import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { EnrolmentCompleted } from "../../../shared/api/index.js";
import { completePasskeyEnrolment, passkeyEnrolmentOptions } from "../../api/mfa-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { canUsePasskeys, createPasskey } from "../../components/passkey-support.js";
import { TextField } from "../../components/text-field.js";
import { useSubmit } from "../../components/use-submit.js";

/** At enrolment: a passkey instead of an authenticator app (a security key, or the device's own). */
export function PasskeyEnrolment({ onEnrolled }: { onEnrolled(result: EnrolmentCompleted): void }) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const submit = useSubmit(async () => {
    onEnrolled(await completePasskeyEnrolment(name, await createPasskey(await passkeyEnrolmentOptions())));
  });
  if (!canUsePasskeys()) return null;
  return (
    <form className="alternative" onSubmit={submit.onSubmit} aria-labelledby="passkey-enrolment-heading">
      <h2 id="passkey-enrolment-heading">{t("passkey.enrolHeading")}</h2>
      <p className="hint">{t("passkey.enrolHelp")}</p>
      <TextField id="passkey-enrol-name" label={t("passkey.name")} hint={t("passkey.nameHint")} value={name} onValueChange={setName} maxLength={64} required />
      <ErrorMessage error={submit.error} />
      <button type="submit" className="secondary" data-testid="passkey-enrol-submit" disabled={submit.isBusy}>
        {t("passkey.enrolSubmit")}
      </button>
    </form>
  );
}
