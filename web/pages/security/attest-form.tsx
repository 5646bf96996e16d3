import { useState } from "react";
import { useTranslation } from "react-i18next";
import { attestControl } from "../../api/compliance-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { TextField } from "../../components/text-field.js";
import { useSubmit } from "../../components/use-submit.js";

/** Attests one operational or organisational control: a statement and how long it stays in force. */
export function AttestForm({ controlId, onAttested }: { controlId: string; onAttested(): void }) {
  const { t } = useTranslation();
  const [statement, setStatement] = useState("");
  const [validDays, setValidDays] = useState("365");
  const submit = useSubmit(async () => {
    await attestControl({ controlId, statement, validDays: Number(validDays) });
    setStatement("");
    onAttested();
  });
  return (
    <form className="inline-form" onSubmit={submit.onSubmit} data-testid={`attest-${controlId}`}>
      <TextField id={`attest-statement-${controlId}`} label={t("compliance.statement")} value={statement} onValueChange={setStatement} required maxLength={2000} />
      <TextField id={`attest-days-${controlId}`} label={t("compliance.validDays")} value={validDays} onValueChange={setValidDays} type="number" min={1} max={1098} required />
      <button type="submit" disabled={submit.isBusy}>
        {t("compliance.attest")}
      </button>
      <ErrorMessage error={submit.error} />
    </form>
  );
}
