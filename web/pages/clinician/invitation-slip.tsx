import { useTranslation } from "react-i18next";
import type { PatientInvitationCreated } from "../../../shared/api/index.js";

/**
 * The one-time code of a new patient invitation, shown once: the server keeps only its hash. Printed on a slip and
 * handed to the patient in person, it is the half of the invitation the e-mail does not carry.
 */
export function InvitationSlip({ created, onDone }: { created: PatientInvitationCreated; onDone(): void }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="result invitation-slip" role="status" data-testid="patient-invitation-slip">
      <p className="slip-title">{t("invitePatient.slipTitle")}</p>
      <p>{t("invitePatient.sent", { email: created.sentTo })}</p>
      <p className="secret-label">{t("invitePatient.code")}</p>
      <code className="secret slip-code" data-testid="patient-invitation-code">
        {created.code}
      </code>
      <p>{t("invitePatient.slipHelp")}</p>
      <p className="hint">{t("invite.expiresAt", { date: new Date(created.expiresAt).toLocaleString(i18n.language) })}</p>
      <p className="hint no-print">{t("invitePatient.once")}</p>
      <p className="no-print">
        <button type="button" data-testid="patient-invitation-print" onClick={() => window.print()}>
          {t("invitePatient.print")}
        </button>{" "}
        <button type="button" data-testid="patient-invitation-done" onClick={onDone}>
          {t("invitePatient.done")}
        </button>
      </p>
    </div>
  );
}
