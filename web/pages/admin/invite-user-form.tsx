import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { CreateInvitationResponse, StaffRole } from "../../../shared/api/index.js";
import { createInvitation } from "../../api/auth-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { InvitationResult } from "../../components/invitation-result.js";
import { PendingInvitations } from "./pending-invitations.js";
import { SelectField } from "../../components/select-field.js";
import { TextField } from "../../components/text-field.js";
import { useSubmit } from "../../components/use-submit.js";

const roles: readonly StaffRole[] = ["doctor", "nurse", "pharmacist", "clerk", "security_officer", "admin"];

/** Creates a one-time invitation link for a staff role, above the invitations still waiting to be used. */
export function InviteUserForm() {
  const { t } = useTranslation();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<StaffRole>("doctor");
  const [created, setCreated] = useState<CreateInvitationResponse | undefined>(undefined);
  const submit = useSubmit(async () => {
    setCreated(undefined);
    setCreated(await createInvitation({ email, role }));
  });
  return (
    <section className="card" aria-labelledby="invite-heading">
      <h2 id="invite-heading">{t("invite.heading")}</h2>
      <form onSubmit={submit.onSubmit}>
        <div className="row">
          <TextField id="invite-email" label={t("invite.email")} type="email" required autoComplete="off" value={email} onValueChange={setEmail} />
          <SelectField id="invite-role" label={t("invite.role")} value={role} options={roles.map((value) => ({ value, label: t(`roles.${value}`) }))} onValueChange={setRole} />
        </div>
        <ErrorMessage error={submit.error} />
        <button type="submit" data-testid="invite-submit" disabled={submit.isBusy}>
          {t("invite.submit")}
        </button>
      </form>
      {created ? <InvitationResult created={created} message={t("invite.result")} testId="invitation-url" /> : null}
      <PendingInvitations refreshKey={created} />
    </section>
  );
}
