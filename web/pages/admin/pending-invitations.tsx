import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { PendingInvitation } from "../../../shared/api/index.js";
import { fetchPendingInvitations, revokeInvitation } from "../../api/auth-api.js";
import { DataTable } from "../../components/data-table.js";
import { ErrorMessage } from "../../components/error-message.js";
import { useDateTime } from "../../components/use-date-time.js";
import { useReloadable } from "../../components/use-reloadable.js";

const loadInvitations = () => fetchPendingInvitations().then((list) => list.invitations);

/**
 * The staff invitations still open, each revocable: a link sent to the wrong address or no longer needed stops
 * working at once (AUTH-6). `refreshKey` changes when a new invitation was created, so it appears here too.
 */
export function PendingInvitations({ refreshKey }: { refreshKey: unknown }) {
  const { t } = useTranslation();
  const formatDateTime = useDateTime();
  const { value: invitations, error: loadError, reload } = useReloadable(loadInvitations, refreshKey);
  const [revokeError, setRevokeError] = useState<unknown>(undefined);
  const [revoked, setRevoked] = useState<string | undefined>(undefined);

  const revoke = (invitation: PendingInvitation) => {
    setRevokeError(undefined);
    setRevoked(undefined);
    revokeInvitation(invitation.id).then(() => {
      setRevoked(invitation.email);
      return reload();
    }, setRevokeError);
  };

  return (
    <div data-testid="pending-invitations">
      <h3>{t("invite.pendingHeading")}</h3>
      <ErrorMessage error={loadError ?? revokeError} />
      {revoked ? (
        <p className="notice" role="status" data-testid="invitation-revoked">
          {t("invite.revoked", { email: revoked })}
        </p>
      ) : null}
      {invitations === undefined && !loadError ? <p role="status">{t("app.loading")}</p> : null}
      {invitations?.length === 0 ? <p className="hint">{t("invite.noPending")}</p> : null}
      {invitations?.length ? (
        <DataTable testId="pending-invitation-table" columns={[t("invite.address"), t("invite.role"), t("invite.expires"), t("invite.invitedBy"), t("accounts.actions")]}>
          {invitations.map((invitation) => (
            <tr key={invitation.id} data-testid="pending-invitation" data-invitation-id={invitation.id}>
              <td>{invitation.email}</td>
              <td>{t(`roles.${invitation.role}`)}</td>
              <td className="nowrap">{formatDateTime(invitation.expiresAt)}</td>
              <td>{invitation.invitedBy.displayName}</td>
              <td>
                <button type="button" className="secondary" data-testid="invitation-revoke" aria-label={t("invite.revokeLabel", { email: invitation.email })} onClick={() => revoke(invitation)}>
                  {t("invite.revoke")}
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </div>
  );
}
