import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { CreateInvitationResponse } from "../../../shared/api/index.js";
import { invitePatient } from "../../api/patient-portal-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { InvitationResult } from "../../components/invitation-result.js";
import { TextField } from "../../components/text-field.js";
import { useSubmit } from "../../components/use-submit.js";

/** On a patient's page: a one-time link that brings this patient onto the portal. */
export function InvitePatientForm({ patientId }: { patientId: string }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState("");
  const [created, setCreated] = useState<CreateInvitationResponse | undefined>(undefined);
  const submit = useSubmit(async () => {
    setCreated(undefined);
    setCreated(await invitePatient({ patientId, email }));
  });
  return (
    <section className="card" aria-labelledby="invite-patient-heading">
      <h2 id="invite-patient-heading">{t("invitePatient.heading")}</h2>
      <form onSubmit={submit.onSubmit}>
        <TextField id="invite-patient-email" label={t("invitePatient.email")} type="email" required autoComplete="off" value={email} onValueChange={setEmail} />
        <ErrorMessage error={submit.error} />
        <button type="submit" data-testid="invite-patient-submit" disabled={submit.isBusy}>
          {t("invitePatient.submit")}
        </button>
      </form>
      {created ? <InvitationResult created={created} message={t("invitePatient.result")} testId="patient-invitation-url" /> : null}
    </section>
  );
}
