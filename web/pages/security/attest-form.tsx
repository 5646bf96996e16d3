import { useState } from "react";
import { useTranslation } from "react-i18next";
import { attestControl } from "../../api/compliance-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { TextField } from "../../components/text-field.js";
import { useSubmit } from "../../components/use-submit.js";

/**
 * Attests one operational or organisational control: a statement, the document it rests on and how long it stays in
 * force. It counts once another security officer or an administrator approves it.
 */
export function AttestForm({ controlId, onAttested }: { controlId: string; onAttested(): void }) {
  const { t } = useTranslation();
  const [statement, setStatement] = useState("");
  const [documentTitle, setDocumentTitle] = useState("");
  const [documentReference, setDocumentReference] = useState("");
  const [validDays, setValidDays] = useState("365");
  const submit = useSubmit(async () => {
    await attestControl({ controlId, statement, document: { title: documentTitle, ...(documentReference ? { reference: documentReference } : {}) }, validDays: Number(validDays) });
    setStatement("");
    setDocumentTitle("");
    setDocumentReference("");
    onAttested();
  });
  return (
    <form className="inline-form" onSubmit={submit.onSubmit} data-testid={`attest-${controlId}`}>
      <TextField id={`attest-statement-${controlId}`} label={t("compliance.statement")} value={statement} onValueChange={setStatement} required maxLength={2000} />
      <TextField id={`attest-document-${controlId}`} label={t("compliance.documentTitle")} value={documentTitle} onValueChange={setDocumentTitle} required maxLength={200} />
      <TextField id={`attest-reference-${controlId}`} label={t("compliance.documentReference")} value={documentReference} onValueChange={setDocumentReference} maxLength={200} />
      <TextField id={`attest-days-${controlId}`} label={t("compliance.validDays")} value={validDays} onValueChange={setValidDays} type="number" min={1} max={1098} required />
      <button type="submit" disabled={submit.isBusy}>
        {t("compliance.attest")}
      </button>
      <ErrorMessage error={submit.error} />
    </form>
  );
}
