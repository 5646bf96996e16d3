import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { InvitationView } from "../../../shared/api/index.js";
import { acceptInvitation, lookUpInvitation } from "../../api/auth-api.js";
import { useSession } from "../../app/session-context.js";
import { ErrorMessage } from "../../components/error-message.js";
import { InvitationForm, type InvitationFormValues } from "./invitation-form.js";
import { forgetOneTimeToken } from "../../app/one-time-token.js";

const minimumPasswordLength = 12;

/**
 * /setup and /invite: checks the one-time token, then creates the account; the server answers with stage
 * enrolment_required and the TOTP enrolment screen follows.
 */
export function AcceptInvitationPage({ token, isSetup, onAccepted }: { token: string | undefined; isSetup: boolean; onAccepted(): void }) {
  const { t, i18n } = useTranslation();
  const { update } = useSession();
  const [invitation, setInvitation] = useState<InvitationView | undefined>(undefined);
  const [lookupError, setLookupError] = useState<unknown>(undefined);

  useEffect(() => {
    if (!token) return;
    lookUpInvitation(token).then(setInvitation, (failure: unknown) => {
      // A link the server no longer knows (used, withdrawn, expired) is not kept in the tab for a reload.
      forgetOneTimeToken();
      setLookupError(failure);
    });
  }, [token]);

  const onSubmit = async (values: InvitationFormValues) => {
    if (!token) return;
    if (values.password.length < minimumPasswordLength) throw t("invitation.passwordTooShort");
    if (values.password !== values.passwordConfirm) throw t("invitation.passwordMismatch");
    const view = await acceptInvitation({ token, email: values.email, displayName: values.displayName, password: values.password, ...(invitation?.codeRequired ? { code: values.code } : {}) });
    onAccepted();
    update(view);
  };

  const heading = isSetup ? t("invitation.setupHeading") : t("invitation.heading");
  return (
    <section className="card narrow" aria-labelledby="invitation-heading">
      <h1 id="invitation-heading">{heading}</h1>
      {!token ? (
        <p className="error" role="alert" data-testid="invitation-missing">
          {t("invitation.missingToken")}
        </p>
      ) : null}
      <ErrorMessage error={lookupError} />
      {token && !invitation && !lookupError ? <p role="status">{t("invitation.checking")}</p> : null}
      {invitation ? (
        <>
          <dl className="facts">
            <dt>{t("invitation.role")}</dt>
            <dd data-testid="invitation-role">{t(`roles.${invitation.role}`)}</dd>
            <dt>{t("invitation.expiresAt")}</dt>
            <dd>{new Date(invitation.expiresAt).toLocaleString(i18n.language)}</dd>
          </dl>
          <InvitationForm fixedEmail={invitation.email} isCodeRequired={invitation.codeRequired === true} minimumPasswordLength={minimumPasswordLength} onSubmit={onSubmit} />
        </>
      ) : null}
    </section>
  );
}
