import { useState } from "react";
import { useTranslation } from "react-i18next";
import { fhirIdPattern } from "../../api/patients-api.js";
import { navigate } from "../../app/router.js";
import { ErrorMessage } from "../../components/error-message.js";
import { TextField } from "../../components/text-field.js";
import { useSubmit } from "../../components/use-submit.js";

/** Opens a patient by FHIR resource id (not by name, which must never reach the URL). */
export function OpenPatientForm() {
  const { t } = useTranslation();
  const [id, setId] = useState("");
  const submit = useSubmit(async () => {
    const trimmed = id.trim();
    if (!fhirIdPattern.test(trimmed)) throw t("openPatient.invalidId");
    navigate(`/patients/${encodeURIComponent(trimmed)}`);
  });
  return (
    <section className="card" aria-labelledby="open-patient-heading">
      <h2 id="open-patient-heading">{t("openPatient.heading")}</h2>
      <form onSubmit={submit.onSubmit} className="inline-form">
        <TextField id="open-patient-id" label={t("openPatient.id")} required autoComplete="off" value={id} onValueChange={setId} />
        <button type="submit" data-testid="open-patient-submit">
          {t("openPatient.submit")}
        </button>
      </form>
      <ErrorMessage error={submit.error} />
    </section>
  );
}
