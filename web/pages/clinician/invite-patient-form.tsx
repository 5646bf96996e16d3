import { useState } from "react";
import { useTranslation } from "react-i18next";
import { maskEmailAddress, type PatientInvitationCreated } from "../../../shared/api/index.js";
import type { Patient } from "../../api/fhir-types.js";
import { invitePatient } from "../../api/patient-portal-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { useSubmit } from "../../components/use-submit.js";
import { InvitationSlip } from "./invitation-slip.js";

/** The address the server will mail the link to: the record's first e-mail contact point not marked old. */
function recordedEmail(patient: Patient): string | undefined {
  const emails = (patient.telecom ?? []).filter((point) => point.system === "email" && point.value && point.use !== "old");
  return [...emails].sort((a, b) => (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER))[0]?.value;
}

/**
 * On a patient's page: invites this patient to the portal. The link goes by e-mail to the address on the record (shown
 * masked); the clinician gets a one-time code, shown once, to hand to the patient in person on a printed slip.
 */
export function InvitePatientForm({ patientId, patient }: { patientId: string; patient: Patient }) {
  const { t } = useTranslation();
  const [created, setCreated] = useState<PatientInvitationCreated | undefined>(undefined);
  const email = recordedEmail(patient);
  const submit = useSubmit(async () => {
    setCreated(undefined);
    setCreated(await invitePatient({ patientId }));
  });
  return (
    <section className="card" aria-labelledby="invite-patient-heading">
      <h2 id="invite-patient-heading">{t("invitePatient.heading")}</h2>
      {created ? (
        <InvitationSlip created={created} onDone={() => setCreated(undefined)} />
      ) : (
        <form onSubmit={submit.onSubmit}>
          {email ? (
            <p data-testid="invite-patient-recipient">{t("invitePatient.recipient", { email: maskEmailAddress(email) })}</p>
          ) : (
            <p className="hint" data-testid="invite-patient-no-email">
              {t("invitePatient.noEmail")}
            </p>
          )}
          <p className="hint">{t("invitePatient.codeHint")}</p>
          <ErrorMessage error={submit.error} />
          <button type="submit" data-testid="invite-patient-submit" disabled={submit.isBusy || !email}>
            {t("invitePatient.submit")}
          </button>
        </form>
      )}
    </section>
  );
}
