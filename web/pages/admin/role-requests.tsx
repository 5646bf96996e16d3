import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { PendingRoleRequest, Role } from "../../../shared/api/index.js";
import { approveRoleRequest, fetchRoleRequests, rejectRoleRequest } from "../../api/accounts-api.js";
import { DataTable } from "../../components/data-table.js";
import { ErrorMessage } from "../../components/error-message.js";
import { useDateTime } from "../../components/use-date-time.js";
import { useReloadable } from "../../components/use-reloadable.js";

const loadRequests = () => fetchRoleRequests().then((list) => list.requests);

/**
 * Role changes waiting for a second administrator (two-person rule, ACC-2). The server says which the viewer may
 * approve (never their own request, never a change to their own account); `refreshKey` changes after any account
 * change on the page, so a new request shows here at once. `onDecided` lets the account list show an approved change.
 */
export function RoleRequests({ refreshKey, onDecided }: { refreshKey: unknown; onDecided(): void }) {
  const { t } = useTranslation();
  const formatDateTime = useDateTime();
  const { value: requests, error: loadError, reload } = useReloadable(loadRequests, refreshKey);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [decided, setDecided] = useState<"approved" | "rejected" | undefined>(undefined);
  const rolesText = (roles: readonly Role[]) => roles.map((role) => t(`roles.${role}`)).join("・");

  const decide = (request: PendingRoleRequest, outcome: "approved" | "rejected") => {
    setActionError(undefined);
    setDecided(undefined);
    (outcome === "approved" ? approveRoleRequest(request.id) : rejectRoleRequest(request.id)).then(() => {
      setDecided(outcome);
      onDecided();
      return reload();
    }, setActionError);
  };

  return (
    <div data-testid="role-requests">
      <h2>{t("accounts.requestsHeading")}</h2>
      <p className="hint">{t("accounts.requestsIntro")}</p>
      <ErrorMessage error={loadError ?? actionError} />
      {decided ? (
        <p className="notice" role="status" data-testid="role-request-decided">
          {t(`accounts.${decided}`)}
        </p>
      ) : null}
      {requests === undefined && !loadError ? <p role="status">{t("app.loading")}</p> : null}
      {requests?.length === 0 ? <p className="hint">{t("accounts.noRequests")}</p> : null}
      {requests?.length ? (
        <DataTable testId="role-request-table" columns={[t("accounts.requestAccount"), t("accounts.requestChange"), t("accounts.requestedBy"), t("accounts.requestExpires"), t("accounts.actions")]}>
          {requests.map((request) => (
            <tr key={request.id} data-testid="role-request" data-request-id={request.id} data-account-id={request.accountId}>
              <td>{request.accountName}</td>
              <td>
                {rolesText(request.previousRoles)} → <strong>{rolesText(request.roles)}</strong>
              </td>
              <td>{request.requesterName}</td>
              <td className="nowrap">{formatDateTime(request.expiresAt)}</td>
              <td>
                <div className="actions">
                  <button
                    type="button"
                    data-testid="role-request-approve"
                    disabled={!request.canApprove}
                    aria-label={t("accounts.approveLabel", { name: request.accountName })}
                    title={request.canApprove ? undefined : t("accounts.cannotApprove")}
                    onClick={() => decide(request, "approved")}
                  >
                    {t("accounts.approve")}
                  </button>
                  <button type="button" className="secondary" data-testid="role-request-reject" aria-label={t("accounts.rejectLabel", { name: request.accountName })} onClick={() => decide(request, "rejected")}>
                    {t("accounts.reject")}
                  </button>
                </div>
                {request.canApprove ? null : <span className="hint">{t("accounts.cannotApprove")}</span>}
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </div>
  );
}
