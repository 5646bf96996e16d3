import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { AccessReportView } from "../../../shared/api/index.js";
import { fetchAccounts } from "../../api/accounts-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { Link } from "../../components/link.js";
import { AccountRow } from "./account-row.js";

/** /admin/users: every account, with deactivate, reactivate, roles, sessions and unlock (AUTH-6). */
export function UsersPage() {
  const { t } = useTranslation();
  const [report, setReport] = useState<AccessReportView | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const load = useCallback(() => {
    fetchAccounts().then(setReport, setError);
  }, []);
  useEffect(load, [load]);
  return (
    <section className="card" aria-labelledby="users-heading">
      <h1 id="users-heading">{t("accounts.heading")}</h1>
      <p className="hint intro">{t("accounts.intro")}</p>
      <ErrorMessage error={error} />
      {report ? (
        <div className="table-scroll">
          <table className="data-table" data-testid="accounts">
            <thead>
              <tr>
                <th scope="col">{t("accounts.name")}</th>
                <th scope="col">{t("accounts.roles")}</th>
                <th scope="col">{t("accounts.status")}</th>
                <th scope="col">{t("accounts.lastSignIn")}</th>
                <th scope="col">{t("accounts.lock")}</th>
                <th scope="col">{t("accounts.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {report.accounts.map((account) => (
                <AccountRow key={`${account.id}-${account.status}-${account.roles.join()}`} account={account} onChanged={load} />
              ))}
            </tbody>
          </table>
        </div>
      ) : error ? null : (
        <p>{t("app.loading")}</p>
      )}
      <p>
        <Link to="/">{t("app.backHome")}</Link>
      </p>
    </section>
  );
}

/** The home page's way in to the account list, for administrators. */
export function UsersCard() {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="users-card-heading">
      <h2 id="users-card-heading">{t("accounts.heading")}</h2>
      <p>{t("accounts.homeText")}</p>
      <Link to="/admin/users" className="button-link" testId="open-users">
        {t("accounts.open")}
      </Link>
    </section>
  );
}
