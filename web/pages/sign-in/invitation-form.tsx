import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorMessage } from "../../components/error-message.js";
import { TextField } from "../../components/text-field.js";
import { useSubmit } from "../../components/use-submit.js";

export interface InvitationFormValues {
  email: string;
  displayName: string;
  password: string;
  passwordConfirm: string;
  /** The one-time code of a patient invitation (empty for staff). */
  code: string;
}

interface InvitationFormProps {
  /** The e-mail address the inviter fixed, shown read-only. */
  fixedEmail: string | undefined;
  /** A patient invitation: ask for the one-time code the clinician handed over. */
  isCodeRequired?: boolean;
  minimumPasswordLength: number;
  /** Rejects with a message string or a RequestError to show under the form. */
  onSubmit(values: InvitationFormValues): Promise<void>;
}

/** E-mail, display name and a new password for an invited account. */
export function InvitationForm({ fixedEmail, isCodeRequired = false, minimumPasswordLength, onSubmit }: InvitationFormProps) {
  const { t } = useTranslation();
  const [email, setEmail] = useState(fixedEmail ?? "");
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const [passwordConfirm, setPasswordConfirm] = useState("");
  const [code, setCode] = useState("");
  const submit = useSubmit(() => onSubmit({ email, displayName, password, passwordConfirm, code }));
  return (
    <form onSubmit={submit.onSubmit}>
      <TextField
        id="invitation-email"
        label={t("invitation.email")}
        type="email"
        autoComplete="username"
        required
        readOnly={fixedEmail !== undefined}
        value={email}
        onValueChange={setEmail}
      />
      {isCodeRequired ? (
        <TextField
          id="invitation-code"
          label={t("invitation.code")}
          hint={t("invitation.codeHint")}
          autoComplete="one-time-code"
          required
          maxLength={32}
          value={code}
          onValueChange={setCode}
        />
      ) : null}
      <TextField id="invitation-display-name" label={t("invitation.displayName")} autoComplete="name" required maxLength={100} value={displayName} onValueChange={setDisplayName} />
      <TextField
        id="invitation-password"
        label={t("invitation.password")}
        hint={t("invitation.passwordHint")}
        type="password"
        autoComplete="new-password"
        required
        minLength={minimumPasswordLength}
        value={password}
        onValueChange={setPassword}
      />
      <TextField
        id="invitation-password-confirm"
        label={t("invitation.passwordConfirm")}
        type="password"
        autoComplete="new-password"
        required
        value={passwordConfirm}
        onValueChange={setPasswordConfirm}
      />
      <ErrorMessage error={submit.error} />
      <button type="submit" data-testid="invitation-submit" disabled={submit.isBusy}>
        {t("invitation.submit")}
      </button>
    </form>
  );
}
