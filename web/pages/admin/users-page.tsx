import { useState } from "react";
import { useTranslation } from "react-i18next";
import { fetchAccounts } from "../../api/accounts-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { Link } from "../../components/link.js";
import { useReloadable } from "../../components/use-reloadable.js";
import { AccountRow } from "./account-row.js";
import { RoleRequests } from "./role-requests.js";
import { DataTable } from "../../components/data-table.js";

/**
 * /admin/users: every account, with deactivate, reactivate, roles, sessions and unlock (AUTH-6), and the role changes
 * waiting for a second administrator (ACC-2).
 */
export function UsersPage() {
  const { t } = useTranslation();
  const { value: report, error, reload } = useReloadable(fetchAccounts);
  // Bumped after any account change, so a change answered "awaiting approval" appears among the requests.
  const [changes, setChanges] = useState(0);
  const changed = () => {
    setChanges((count) => count + 1);
    void reload();
  };
  return (
    <section className="card" aria-labelledby="users-heading">
      <h1 id="users-heading">{t("accounts.heading")}</h1>
      <p className="hint intro">{t("accounts.intro")}</p>
      <ErrorMessage error={error} />
      <RoleRequests refreshKey={changes} onDecided={() => void reload()} />
      {report ? (
        <DataTable testId="accounts" columns={[t("accounts.name"), t("accounts.roles"), t("accounts.status"), t("accounts.lastSignIn"), t("accounts.lock"), t("accounts.actions")]}>
          {report.accounts.map((account) => (
            <AccountRow key={`${account.id}-${account.status}-${account.roles.join()}`} account={account} onChanged={changed} />
          ))}
        </DataTable>
      ) : error ? null : (
        <p>{t("app.loading")}</p>
      )}
      <p>
        <Link to="/">{t("app.backHome")}</Link>
      </p>
    </section>
  );
}
