import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { AppHeader } from "../components/app-header.js";
import { IdleWarningDialog } from "../components/idle-warning-dialog.js";
import { StepUpDialog } from "../components/step-up-dialog.js";
import { Link } from "../components/link.js";
import { PatientPage } from "../pages/clinician/patient-page.js";
import { HomePage } from "../pages/home-page.js";
import { MyAccountPage } from "../pages/account/my-account-page.js";
import { UsersPage } from "../pages/admin/users-page.js";
import { AccessReviewPage } from "../pages/security/access-review-page.js";
import { AuditLogPage } from "../pages/security/audit-log-page.js";
import { IncidentsPage } from "../pages/security/incidents-page.js";
import { SecuritySettingsPage } from "../pages/settings/security-settings-page.js";
import { IdsPage } from "../pages/security/ids-page.js";
import { BreakGlassReviewPage } from "../pages/security/break-glass-review-page.js";
import { canReviewAudit } from "../pages/security/audit-reviewer.js";
import { CompliancePage } from "../pages/security/compliance-page.js";
import { AcceptInvitationPage } from "../pages/sign-in/accept-invitation-page.js";
import { forgetOneTimeToken } from "./one-time-token.js";
import { LoginPage } from "../pages/sign-in/login-page.js";
import { TotpEnrolmentPage } from "../pages/sign-in/totp-enrolment-page.js";
import { TotpVerifyPage } from "../pages/sign-in/totp-verify-page.js";
import { matchRoute, navigate, usePath, type Route } from "./router.js";
import { useSession } from "./session-context.js";

/** The whole UI: the session stage decides the screen first, the path only once the session is active. */
export function App({ initialToken }: { initialToken: string | undefined }) {
  const { t } = useTranslation();
  const { view } = useSession();
  const route = matchRoute(usePath());
  // The one-time token lives in memory (and this tab's sessionStorage, for a reload) only until the account is created.
  const [token, setToken] = useState(initialToken);
  const isInvitationRoute = route.name === "setup" || route.name === "invite";
  const isActive = view?.stage === "active";

  useEffect(() => {
    if (isActive && (isInvitationRoute || route.name === "login")) navigate("/", { replace: true });
  }, [isActive, isInvitationRoute, route.name]);

  let screen;
  if (!view) screen = <p role="status">{t("app.loading")}</p>;
  else if (isInvitationRoute && view.stage !== "active" && view.stage !== "enrolment_required")
    screen = (
      <AcceptInvitationPage
        token={token}
        isSetup={route.name === "setup"}
        onAccepted={() => {
          forgetOneTimeToken();
          setToken(undefined);
        }}
      />
    );
  else if (view.stage === "enrolment_required") screen = <TotpEnrolmentPage />;
  else if (view.stage === "mfa_required") screen = <TotpVerifyPage />;
  else if (view.stage === "anonymous") screen = <LoginPage />;
  else screen = <ActiveScreen route={route} roles={view.account?.roles ?? []} patientId={view.account?.patientId} />;

  return (
    <>
      <AppHeader />
      <main className="app-main">{screen}</main>
      <IdleWarningDialog />
      {isActive ? <StepUpDialog /> : null}
    </>
  );
}

function ActiveScreen({ route, roles, patientId }: { route: Route; roles: Parameters<typeof HomePage>[0]["roles"]; patientId: string | undefined }) {
  const { t } = useTranslation();
  if (route.name === "patient") return <PatientPage key={route.id} id={route.id} canInvitePatient={roles.includes("doctor") || roles.includes("nurse")} roles={roles} />;
  if (route.name === "audit-log" && canReviewAudit(roles)) return <AuditLogPage />;
  if (route.name === "users" && roles.includes("admin")) return <UsersPage />;
  if (route.name === "access-review" && canReviewAudit(roles)) return <AccessReviewPage />;
  if (route.name === "my-account") return <MyAccountPage />;
  if (route.name === "incidents" && roles.includes("security_officer")) return <IncidentsPage />;
  if (route.name === "security-settings") return <SecuritySettingsPage />;
  if (route.name === "compliance" && roles.includes("security_officer")) return <CompliancePage />;
  if (route.name === "ids-alerts" && roles.includes("security_officer")) return <IdsPage />;
  if (route.name === "break-glass-reviews" && roles.includes("security_officer")) return <BreakGlassReviewPage />;
  if (route.name === "not-found" || route.name === "audit-log" || route.name === "users" || route.name === "access-review" || route.name === "incidents" || route.name === "compliance" || route.name === "ids-alerts" || route.name === "break-glass-reviews")
    return (
      <section className="card">
        <p>{t("app.notFound")}</p>
        <Link to="/">{t("app.backHome")}</Link>
      </section>
    );
  return <HomePage roles={roles} patientId={patientId} />;
}
