import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { AllergyIntolerance } from "../../api/fhir-clinical-types.js";
import { createResource, updateResource } from "../../api/fhir-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { SelectField } from "../../components/select-field.js";
import { TextField } from "../../components/text-field.js";
import { useSubmit } from "../../components/use-submit.js";
import { allergyStatus, buildAllergy, buildNoKnownAllergy, superseded, type AllergyCategory, type AllergyCriticality } from "./allergy-records.js";

const categories: AllergyCategory[] = ["medication", "food", "environment", "biologic"];
const criticalities: AllergyCriticality[] = ["low", "high", "unable-to-assess"];

/**
 * Records an allergy (substance, kind, criticality, reaction), or that the patient was asked and has none. Recording
 * an allergy makes an earlier "no known allergy" record inactive, so the chart never says both.
 */
export function RecordAllergyForm({ patientId, allergies, onRecorded }: { patientId: string; allergies: AllergyIntolerance[] | undefined; onRecorded(): void }) {
  const { t } = useTranslation();
  const [substance, setSubstance] = useState("");
  const [category, setCategory] = useState<AllergyCategory>("medication");
  const [criticality, setCriticality] = useState<AllergyCriticality>("low");
  const [reaction, setReaction] = useState("");
  const status = allergies === undefined ? undefined : allergyStatus(allergies);

  const record = useSubmit(async () => {
    if (!substance.trim()) throw t("chart.allergySubstanceRequired");
    await createResource(buildAllergy(patientId, { substance, category, criticality, reaction }, new Date()));
    if (status?.kind === "noKnownAllergies" && status.record.meta?.versionId) await updateResource(superseded(status.record), status.record.meta.versionId);
    setSubstance("");
    setReaction("");
    onRecorded();
  });
  const recordNone = useSubmit(async () => {
    await createResource(buildNoKnownAllergy(patientId, t("chart.noKnownAllergiesRecord"), new Date()));
    onRecorded();
  });

  return (
    <section className="card" aria-labelledby="record-allergy-heading">
      <h2 id="record-allergy-heading">{t("chart.recordAllergy")}</h2>
      <form onSubmit={record.onSubmit}>
        <div className="row">
          <TextField id="allergy-substance" label={t("chart.allergySubstance")} maxLength={200} value={substance} onValueChange={setSubstance} />
          <SelectField id="allergy-category" label={t("chart.allergyCategory")} value={category} onValueChange={setCategory} options={categories.map((value) => ({ value, label: t(`allergyCategory.${value}`) }))} />
          <SelectField id="allergy-criticality" label={t("chart.allergyCriticality")} value={criticality} onValueChange={setCriticality} options={criticalities.map((value) => ({ value, label: t(`allergyCriticality.${value}`) }))} />
          <TextField id="allergy-reaction" label={t("chart.allergyReaction")} maxLength={200} value={reaction} onValueChange={setReaction} />
        </div>
        <ErrorMessage error={record.error} />
        <div className="actions">
          <button type="submit" data-testid="allergy-submit" disabled={record.isBusy}>
            {t("chart.save")}
          </button>
        </div>
      </form>
      {status?.kind === "unrecorded" ? (
        <form onSubmit={recordNone.onSubmit} className="actions">
          <button type="submit" className="secondary" data-testid="allergy-none" disabled={recordNone.isBusy}>
            {t("chart.recordNoKnownAllergies")}
          </button>
          <ErrorMessage error={recordNone.error} />
        </form>
      ) : null}
    </section>
  );
}
