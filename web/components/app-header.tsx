import { useTranslation } from "react-i18next";
import { useSession } from "../app/session-context.js";
import { LanguageSwitch } from "./language-switch.js";
import { Link } from "./link.js";

/** The header on every screen: service name, who is signed in, language, logout. */
export function AppHeader() {
  const { t } = useTranslation();
  const { view, signOut } = useSession();
  const account = view?.stage === "active" ? view.account : undefined;
  const canLogOut = view !== undefined && view.stage !== "anonymous";
  return (
    <header className="app-header">
      <Link to="/" className="brand">
        {t("app.name")}
      </Link>
      <div className="header-tools">
        {account ? (
          <span className="account" data-testid="account-name">
            {t("header.signedInAs", { name: account.displayName })}
            <span className="roles">{account.roles.map((role) => t(`roles.${role}`)).join("・")}</span>
          </span>
        ) : null}
        {account ? (
          <Link to="/account" testId="open-my-account">
            {t("header.myAccount")}
          </Link>
        ) : null}
        {account ? (
          <Link to="/settings/security" className="header-link" testId="security-settings-link">
            {t("security.link")}
          </Link>
        ) : null}
        <LanguageSwitch />
        {canLogOut ? (
          <button type="button" className="secondary" data-testid="logout" onClick={() => void signOut()}>
            {t("header.logout")}
          </button>
        ) : null}
      </div>
    </header>
  );
}
