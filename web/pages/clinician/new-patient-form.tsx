import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { AdministrativeGender } from "../../api/fhir-types.js";
import { createPatient } from "../../api/patients-api.js";
import { navigate } from "../../app/router.js";
import { ErrorMessage } from "../../components/error-message.js";
import { SelectField } from "../../components/select-field.js";
import { TextField } from "../../components/text-field.js";
import { useSubmit } from "../../components/use-submit.js";
import { buildPatient, type NewPatientInput } from "./jp-core-patient.js";
import { localDate } from "../../components/local-time.js";

const genders: readonly AdministrativeGender[] = ["male", "female", "other", "unknown"];
const emptyInput: Omit<NewPatientInput, "gender"> = { familyKanji: "", givenKanji: "", familyKana: "", givenKana: "", birthDate: "", patientNumber: "", email: "" };

/** Registers a patient (kanji and kana names, gender, birth date, patient number) and opens the new record. */
export function NewPatientForm() {
  const { t } = useTranslation();
  const [input, setInput] = useState(emptyInput);
  const [gender, setGender] = useState<AdministrativeGender | "">("");
  // The date picker's last day: today when the form opened (saving checks against the day it is saved).
  const [today] = useState(() => localDate(new Date()));
  const set = (key: keyof typeof emptyInput) => (value: string) => setInput((previous) => ({ ...previous, [key]: value }));

  const submit = useSubmit(async () => {
    if (!gender) return;
    // The server refuses it too (422 on Patient.birthDate); saying so here names the field in words.
    if (input.birthDate > localDate(new Date())) throw t("newPatient.birthDateFuture");
    const stored = await createPatient(buildPatient({ ...input, gender }));
    // Only the id goes into the URL; names and numbers are PHI.
    if (stored.id) navigate(`/patients/${encodeURIComponent(stored.id)}`);
  });

  return (
    <section className="card" aria-labelledby="new-patient-heading">
      <h2 id="new-patient-heading">{t("newPatient.heading")}</h2>
      <form onSubmit={submit.onSubmit} autoComplete="off">
        <div className="row">
          <TextField id="patient-family-kanji" label={t("newPatient.familyKanji")} required value={input.familyKanji} onValueChange={set("familyKanji")} />
          <TextField id="patient-given-kanji" label={t("newPatient.givenKanji")} required value={input.givenKanji} onValueChange={set("givenKanji")} />
        </div>
        <div className="row">
          <TextField id="patient-family-kana" label={t("newPatient.familyKana")} required value={input.familyKana} onValueChange={set("familyKana")} />
          <TextField id="patient-given-kana" label={t("newPatient.givenKana")} required value={input.givenKana} onValueChange={set("givenKana")} />
        </div>
        <div className="row">
          <SelectField
            id="patient-gender"
            label={t("newPatient.gender")}
            placeholder={t("newPatient.genderChoose")}
            required
            value={gender}
            options={genders.map((value) => ({ value, label: t(`gender.${value}`) }))}
            onValueChange={setGender}
          />
          <TextField id="patient-birth-date" label={t("newPatient.birthDate")} type="date" required max={today} value={input.birthDate} onValueChange={set("birthDate")} />
        </div>
        <TextField id="patient-number" label={t("newPatient.patientNumber")} required value={input.patientNumber} onValueChange={set("patientNumber")} />
        <TextField id="patient-email" label={t("newPatient.email")} hint={t("newPatient.emailHint")} type="email" value={input.email ?? ""} onValueChange={set("email")} />
        <ErrorMessage error={submit.error} />
        <button type="submit" data-testid="patient-submit" disabled={submit.isBusy}>
          {submit.isBusy ? t("newPatient.saving") : t("newPatient.submit")}
        </button>
      </form>
    </section>
  );
}
