import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { approveShred, shredPatient } from "../../api/keys-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { TextField } from "../../components/text-field.js";
import { useSubmit } from "../../components/use-submit.js";

/**
 * Crypto-shredding of one patient's records: each administrator approves with a reason, and during the legal
 * retention period the server executes only after two different administrators approved.
 */
export function ShredPatientForm() {
  const { t } = useTranslation();
  const [patientId, setPatientId] = useState("");
  const [reason, setReason] = useState("");
  const [result, setResult] = useState<string | undefined>(undefined);
  // Both buttons submit the form (so the patient id is checked); the clicked one says which request to send.
  const intent = useRef<"approve" | "execute">("approve");
  const submit = useSubmit(async () => {
    setResult(undefined);
    if (intent.current === "approve") {
      if (!reason.trim()) throw t("shred.reasonRequired");
      await approveShred(patientId.trim(), { reason });
      setResult(t("shred.approved"));
    } else {
      const shredded = await shredPatient(patientId.trim());
      setResult(t("shred.done", { count: shredded.dataKeys }));
    }
  });
  return (
    <section className="card" aria-labelledby="shred-heading">
      <h2 id="shred-heading">{t("shred.heading")}</h2>
      <p className="hint intro">{t("shred.intro")}</p>
      <form onSubmit={submit.onSubmit}>
        <div className="row">
          <TextField id="shred-patient-id" label={t("shred.patientId")} required autoComplete="off" value={patientId} onValueChange={setPatientId} />
          <TextField id="shred-reason" label={t("shred.reason")} autoComplete="off" maxLength={500} value={reason} onValueChange={setReason} hint={t("shred.reasonHint")} />
        </div>
        <ErrorMessage error={submit.error} />
        {result ? (
          <p className="notice" role="status" data-testid="shred-result">
            {result}
          </p>
        ) : null}
        <div className="row">
          <button type="submit" data-testid="shred-approve" disabled={submit.isBusy} onClick={() => (intent.current = "approve")}>
            {t("shred.approve")}
          </button>
          <button type="submit" data-testid="shred-execute" disabled={submit.isBusy} onClick={() => (intent.current = "execute")}>
            {t("shred.execute")}
          </button>
        </div>
      </form>
    </section>
  );
}
