import { useTranslation } from "react-i18next";
import type { Role } from "../../shared/api/index.js";
import { InviteUserForm } from "./admin/invite-user-form.js";
import { KeyStatusCard } from "./admin/key-status-card.js";
import { OauthClientsCard } from "./admin/oauth-clients-card.js";
import { ShredPatientForm } from "./admin/shred-patient-form.js";
import { UsersCard } from "./admin/users-page.js";
import { NewPatientForm } from "./clinician/new-patient-form.js";
import { OpenPatientForm } from "./clinician/open-patient-form.js";
import { PortalHome } from "./patient/portal-home.js";
import { AccessReviewCard } from "./security/access-review-page.js";
import { AuditReviewCard, canReviewAudit } from "./security/audit-review-card.js";
import { IncidentsCard } from "./security/incidents-card.js";
import { ComplianceCard } from "./security/compliance-card.js";
import { IdsCard } from "./security/ids-page.js";
import { QuarantineCard } from "./security/quarantine-card.js";

/** The signed-in home: each role sees its own tools (the server still checks every request). */
export function HomePage({ roles, patientId }: { roles: readonly Role[]; patientId?: string | undefined }) {
  const { t } = useTranslation();
  const isDoctor = roles.includes("doctor");
  const isAdmin = roles.includes("admin");
  const isAuditReviewer = canReviewAudit(roles);
  const isPatient = roles.includes("patient");
  return (
    <>
      <h1>{t("home.heading")}</h1>
      {isPatient ? <PortalHome patientId={patientId} /> : null}
      {isDoctor ? (
        <>
          <OpenPatientForm />
          <NewPatientForm />
        </>
      ) : null}
      {isAuditReviewer ? <AuditReviewCard /> : null}
      {isAuditReviewer ? <AccessReviewCard /> : null}
      {roles.includes("security_officer") ? <QuarantineCard /> : null}
      {roles.includes("security_officer") ? <IncidentsCard /> : null}
      {roles.includes("security_officer") ? <ComplianceCard /> : null}
      {roles.includes("security_officer") ? <IdsCard /> : null}
      {isAdmin ? (
        <>
          <UsersCard />
          <InviteUserForm />
          <KeyStatusCard />
          <ShredPatientForm />
          <OauthClientsCard />
        </>
      ) : null}
      {!isDoctor && !isAdmin && !isAuditReviewer && !isPatient ? <p>{t("home.noRole")}</p> : null}
    </>
  );
}
