import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { AccountReviewRow, StaffRole } from "../../../shared/api/index.js";
import { changeRoles, deactivateAccount, reactivateAccount, unlockAccount } from "../../api/accounts-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { useDateTime } from "../../components/use-date-time.js";
import { AccountSessions } from "./account-sessions.js";

const staffRoles: readonly StaffRole[] = ["doctor", "nurse", "pharmacist", "clerk", "security_officer", "admin"];

/** One account in the administrators' list, with its actions; the server authorizes and audits each. */
export function AccountRow({ account, onChanged }: { account: AccountReviewRow; onChanged(): void }) {
  const { t } = useTranslation();
  const formatTime = useDateTime();
  const [error, setError] = useState<unknown>(undefined);
  const [isBusy, setBusy] = useState(false);
  const [isEditingRoles, setEditingRoles] = useState(false);
  const [roles, setRoles] = useState<StaffRole[]>(account.roles.filter((role): role is StaffRole => role !== "patient"));
  const [isShowingSessions, setShowingSessions] = useState(false);
  // Set when the server answered 202: the change waits for a second administrator.
  const [pendingUntil, setPendingUntil] = useState<number | undefined>(undefined);
  const isStaff = account.kind === "staff";

  async function saveRoles() {
    setPendingUntil((await changeRoles(account.id, roles))?.expiresAt);
  }

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    setPendingUntil(undefined);
    try {
      await action();
      setEditingRoles(false);
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <tr data-testid="account-row" data-account-id={account.id}>
      <td>
        {account.displayName}
        <br />
        <span className="hint">{account.email}</span>
      </td>
      <td data-testid="account-roles">
        {isEditingRoles ? (
          <fieldset className="role-choices">
            <legend className="visually-hidden">{t("accounts.roles")}</legend>
            {staffRoles.map((role) => (
              <label key={role}>
                <input
                  type="checkbox"
                  data-testid={`role-${role}`}
                  checked={roles.includes(role)}
                  onChange={(event) => setRoles(event.target.checked ? [...roles, role] : roles.filter((held) => held !== role))}
                />{" "}
                {t(`roles.${role}`)}
              </label>
            ))}
          </fieldset>
        ) : (
          account.roles.map((role) => t(`roles.${role}`)).join("・")
        )}
        {pendingUntil ? (
          <p className="notice" role="status" data-testid="account-roles-pending">
            {t("accounts.rolesPending", { time: formatTime(pendingUntil) })}
          </p>
        ) : null}
      </td>
      <td data-testid="account-status">{t(account.status === "active" ? "accounts.active" : "accounts.disabled")}</td>
      <td className="nowrap">{formatTime(account.lastSignInAt)}</td>
      <td data-testid="account-lock">{account.lockedUntil ? t("accounts.lockedUntil", { time: formatTime(account.lockedUntil) }) : ""}</td>
      <td>
        <div className="actions">
          {account.status === "active" ? (
            <button type="button" className="secondary" data-testid="account-deactivate" disabled={isBusy} onClick={() => void run(() => deactivateAccount(account.id))}>
              {t("accounts.deactivate")}
            </button>
          ) : (
            <button type="button" className="secondary" data-testid="account-reactivate" disabled={isBusy} onClick={() => void run(() => reactivateAccount(account.id))}>
              {t("accounts.reactivate")}
            </button>
          )}
          {account.lockedUntil ? (
            <button type="button" className="secondary" data-testid="account-unlock" disabled={isBusy} onClick={() => void run(() => unlockAccount(account.id))}>
              {t("accounts.unlock")}
            </button>
          ) : null}
          {isStaff && !isEditingRoles ? (
            <button type="button" className="secondary" data-testid="account-edit-roles" disabled={isBusy} onClick={() => setEditingRoles(true)}>
              {t("accounts.changeRoles")}
            </button>
          ) : null}
          {isEditingRoles ? (
            <button type="button" data-testid="account-save-roles" disabled={isBusy || roles.length === 0} onClick={() => void run(saveRoles)}>
              {t("accounts.saveRoles")}
            </button>
          ) : null}
          <button type="button" className="secondary" data-testid="account-show-sessions" onClick={() => setShowingSessions(!isShowingSessions)}>
            {t(isShowingSessions ? "accounts.hideSessions" : "accounts.showSessions")}
          </button>
        </div>
        <ErrorMessage error={error} />
        {isShowingSessions ? <AccountSessions accountId={account.id} /> : null}
      </td>
    </tr>
  );
}
