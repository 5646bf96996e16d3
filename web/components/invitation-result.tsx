import { useTranslation } from "react-i18next";
import type { CreateInvitationResponse } from "../../shared/api/index.js";

/** A freshly created one-time link, with what to do with it and when it expires. */
export function InvitationResult({ created, message, testId }: { created: CreateInvitationResponse; message: string; testId: string }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="result" role="status">
      <p>{message}</p>
      <code className="secret" data-testid={testId}>
        {created.invitationUrl}
      </code>
      <p className="hint">{t("invite.expiresAt", { date: new Date(created.expiresAt).toLocaleString(i18n.language) })}</p>
    </div>
  );
}
