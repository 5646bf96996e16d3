import { useEffect, useState } from "react";
import type { Role } from "../../../shared/api/index.js";
import { useTranslation } from "react-i18next";
import type { Patient } from "../../api/fhir-types.js";
import { readPatient } from "../../api/patients-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { Link } from "../../components/link.js";
import { RequestError } from "../../api/request-error.js";
import { BreakGlassRequest } from "../chart/break-glass-dialog.js";
import { CareGate } from "../chart/care-gate.js";
import { ClinicalChart } from "../chart/clinical-chart.js";
import { isClinician } from "./clinical-roles.js";
import { InvitePatientForm } from "./invite-patient-form.js";
import { findName, findPatientNumber, formatFhirDate, formatName } from "./jp-core-patient.js";

/**
 * /patients/{id}: one patient's demographics and chart, read through the FHIR API (which authorizes and audits).
 * Clinicians get the forms the server says they may use and, when refused, ask for emergency access; the patient
 * sees their own chart read-only.
 */
export function PatientPage({ id, canInvitePatient, roles = [] }: { id: string; canInvitePatient: boolean; roles?: readonly Role[] }) {
  const { t, i18n } = useTranslation();
  const [patient, setPatient] = useState<Patient | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [attempt, setAttempt] = useState(0);
  const clinician = isClinician(roles);
  const showsChart = clinician || roles.includes("patient");
  // A read the server refuses answers 404 exactly like a record that does not exist (so existence does not leak).
  // A clinician is told why from the care standing below, which does not depend on the read, and offered emergency
  // access; for an id that truly does not exist the emergency request is what says so.
  const isExplainedBelow = clinician && error instanceof RequestError && (error.status === 404 || error.status === 403);

  useEffect(() => {
    let isCurrent = true;
    setPatient(undefined);
    setError(undefined);
    readPatient(id).then(
      (read) => isCurrent && setPatient(read),
      (failure: unknown) => isCurrent && setError(failure),
    );
    return () => {
      isCurrent = false;
    };
  }, [id, attempt]);

  const grantAccess = () => setAttempt((value) => value + 1);
  const none = t("patient.none");
  return (
    <>
      <section className="card" aria-labelledby="patient-heading">
        <h1 id="patient-heading">{t("patient.heading")}</h1>
        <ErrorMessage error={isExplainedBelow ? undefined : error} />
        {!patient && !error ? <p role="status">{t("patient.loading")}</p> : null}
        {patient ? (
          <dl className="facts" data-testid="patient-details">
            <dt>{t("patient.nameKanji")}</dt>
            <dd data-testid="patient-name-kanji">{formatName(findName(patient, "IDE")) ?? none}</dd>
            <dt>{t("patient.nameKana")}</dt>
            <dd data-testid="patient-name-kana">{formatName(findName(patient, "SYL")) ?? none}</dd>
            <dt>{t("patient.gender")}</dt>
            <dd data-testid="patient-gender">{patient.gender ? t(`gender.${patient.gender}`) : none}</dd>
            <dt>{t("patient.birthDate")}</dt>
            <dd data-testid="patient-birth-date">{formatFhirDate(patient.birthDate, i18n.language) ?? none}</dd>
            <dt>{t("patient.patientNumber")}</dt>
            <dd data-testid="patient-number">{findPatientNumber(patient) ?? none}</dd>
            <dt>{t("patient.id")}</dt>
            <dd data-testid="patient-id">{patient.id}</dd>
            {patient.meta?.versionId ? (
              <>
                <dt>{t("patient.version")}</dt>
                <dd>{patient.meta.versionId}</dd>
              </>
            ) : null}
          </dl>
        ) : null}
        {patient && canInvitePatient ? <InvitePatientForm patientId={id} patient={patient} /> : null}
        <p>
          <Link to="/">{t("app.backHome")}</Link>
        </p>
      </section>
      {(patient || isExplainedBelow) && clinician ? (
        <CareGate key={attempt} patientId={id} onAccessGranted={grantAccess}>
          {(standing) => (patient ? <ClinicalChart patientId={id} recordActions={standing.recordActions} onAccessGranted={grantAccess} /> : <BreakGlassRequest patientId={id} onGranted={grantAccess} />)}
        </CareGate>
      ) : null}
      {patient && !clinician && showsChart ? <ClinicalChart patientId={id} /> : null}
    </>
  );
}
