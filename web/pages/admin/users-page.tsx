import { useTranslation } from "react-i18next";
import { fetchAccounts } from "../../api/accounts-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { Link } from "../../components/link.js";
import { useReloadable } from "../../components/use-reloadable.js";
import { AccountRow } from "./account-row.js";
import { DataTable } from "../../components/data-table.js";

/** /admin/users: every account, with deactivate, reactivate, roles, sessions and unlock (AUTH-6). */
export function UsersPage() {
  const { t } = useTranslation();
  const { value: report, error, reload } = useReloadable(fetchAccounts);
  return (
    <section className="card" aria-labelledby="users-heading">
      <h1 id="users-heading">{t("accounts.heading")}</h1>
      <p className="hint intro">{t("accounts.intro")}</p>
      <ErrorMessage error={error} />
      {report ? (
        <DataTable testId="accounts" columns={[t("accounts.name"), t("accounts.roles"), t("accounts.status"), t("accounts.lastSignIn"), t("accounts.lock"), t("accounts.actions")]}>
          {report.accounts.map((account) => (
            <AccountRow key={`${account.id}-${account.status}-${account.roles.join()}`} account={account} onChanged={reload} />
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
