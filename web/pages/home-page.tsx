import { useTranslation } from "react-i18next";
import type { Role } from "../../shared/api/index.js";
import { HomeLinkCard } from "../components/home-link-card.js";
import { InviteUserForm } from "./admin/invite-user-form.js";
import { BackupStatusCard } from "./admin/backup-status-card.js";
import { KeyStatusCard } from "./admin/key-status-card.js";
import { OauthClientsCard } from "./admin/oauth-clients-card.js";
import { ShredPatientForm } from "./admin/shred-patient-form.js";
import { NewPatientForm } from "./clinician/new-patient-form.js";
import { OpenPatientForm } from "./clinician/open-patient-form.js";
import { isClinician } from "./clinician/clinical-roles.js";
import { MyPatientsCard } from "./clinician/my-patients-card.js";
import { PatientSearchForm } from "./clinician/patient-search-form.js";
import { PortalHome } from "./patient/portal-home.js";
import { canReviewAudit } from "./security/audit-reviewer.js";
import { QuarantineCard } from "./security/quarantine-card.js";

/** The signed-in home: each role sees its own tools (the server still checks every request). */
export function HomePage({ roles, patientId }: { roles: readonly Role[]; patientId?: string | undefined }) {
  const { t } = useTranslation();
  const isDoctor = roles.includes("doctor");
  const isAdmin = roles.includes("admin");
  const isAuditReviewer = canReviewAudit(roles);
  const isPatient = roles.includes("patient");
  const treatsPatients = isClinician(roles);
  return (
    <>
      <h1>{t("home.heading")}</h1>
      {isPatient ? <PortalHome patientId={patientId} /> : null}
      {treatsPatients ? (
        <>
          <PatientSearchForm />
          <MyPatientsCard />
          <OpenPatientForm />
        </>
      ) : null}
      {isDoctor ? <NewPatientForm /> : null}
      {isAuditReviewer ? <HomeLinkCard area="audit" to="/security/audit" testId="open-audit-log" /> : null}
      {isAuditReviewer ? <HomeLinkCard area="review" to="/security/access-review" testId="open-access-review" /> : null}
      {roles.includes("security_officer") ? <QuarantineCard /> : null}
      {roles.includes("security_officer") ? <HomeLinkCard area="incidents" to="/security/incidents" testId="open-incidents" /> : null}
      {roles.includes("security_officer") ? <HomeLinkCard area="compliance" to="/security/compliance" testId="open-compliance" /> : null}
      {roles.includes("security_officer") ? <HomeLinkCard area="ids" to="/security/alerts" testId="open-ids" /> : null}
      {roles.includes("security_officer") ? <HomeLinkCard area="breakGlass" to="/security/break-glass" testId="open-break-glass" /> : null}
      {isAdmin ? (
        <>
          <HomeLinkCard area="accounts" to="/admin/users" testId="open-users" />
          <InviteUserForm />
          <KeyStatusCard />
          <BackupStatusCard />
          <ShredPatientForm />
          <OauthClientsCard />
        </>
      ) : null}
      {!treatsPatients && !isAdmin && !isAuditReviewer && !isPatient ? <p>{t("home.noRole")}</p> : null}
    </>
  );
}
