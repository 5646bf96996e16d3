import { useState } from "react";
import { useTranslation } from "react-i18next";
import { loincSystem, observationCategorySystem, type Observation } from "../../api/fhir-clinical-types.js";
import { createResource } from "../../api/fhir-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { SelectField } from "../../components/select-field.js";
import { TextField } from "../../components/text-field.js";
import { useSubmit } from "../../components/use-submit.js";
import { vitalSigns, type VitalSignKey } from "./vital-signs.js";

/** UCUM units as FHIR expects them, with what the UI shows. */
const units: Record<string, string> = { "/min": "/min", "mm[Hg]": "mmHg", Cel: "℃", kg: "kg" };

/** Builds the vital-signs Observation (blood pressure as the panel with systolic and diastolic components). */
export function buildVitalSign(patientId: string, key: VitalSignKey, values: number[], at: Date): Observation {
  const sign = vitalSigns.find((candidate) => candidate.key === key)!;
  const quantity = (value: number) => ({ value, unit: units[sign.unit] ?? sign.unit, system: "http://unitsofmeasure.org", code: sign.unit });
  const base: Observation = {
    resourceType: "Observation",
    status: "final",
    subject: { reference: `Patient/${patientId}` },
    category: [{ coding: [{ system: observationCategorySystem, code: "vital-signs" }] }],
    code: { coding: [{ system: loincSystem, code: "panel" in sign ? sign.panel : sign.codes[0] }] },
    effectiveDateTime: at.toISOString(),
  };
  if ("panel" in sign) return { ...base, component: sign.codes.map((code, index) => ({ code: { coding: [{ system: loincSystem, code }] }, valueQuantity: quantity(values[index]!) })) };
  return { ...base, valueQuantity: quantity(values[0]!) };
}

/** Records one vital sign now; the chart reloads its vital-sign section afterwards. */
export function RecordVitalForm({ patientId, onRecorded }: { patientId: string; onRecorded(): void }) {
  const { t } = useTranslation();
  const [key, setKey] = useState<VitalSignKey>("heartRate");
  const [value, setValue] = useState("");
  const [second, setSecond] = useState("");
  const [saved, setSaved] = useState(false);
  const isPressure = key === "bloodPressure";
  const submit = useSubmit(async () => {
    setSaved(false);
    const values = (isPressure ? [value, second] : [value]).map((text) => Number(text.trim()));
    if (values.some((number) => !Number.isFinite(number) || number <= 0)) throw t("chart.invalidNumber");
    await createResource(buildVitalSign(patientId, key, values, new Date()));
    setValue("");
    setSecond("");
    setSaved(true);
    onRecorded();
  });
  const sign = vitalSigns.find((candidate) => candidate.key === key)!;
  return (
    <section className="card" aria-labelledby="record-vital-heading">
      <h2 id="record-vital-heading">{t("chart.recordVital")}</h2>
      <form onSubmit={submit.onSubmit} className="inline-form">
        <SelectField id="vital-kind" label={t("chart.item")} value={key} onValueChange={setKey} options={vitalSigns.map((candidate) => ({ value: candidate.key, label: t(`vitals.${candidate.key}`) }))} />
        <TextField id="vital-value" label={isPressure ? t("vitals.8480-6") : `${t("chart.value")}（${units[sign.unit]}）`} inputMode="decimal" required value={value} onValueChange={setValue} />
        {isPressure ? <TextField id="vital-value-2" label={t("vitals.8462-4")} inputMode="decimal" required value={second} onValueChange={setSecond} /> : null}
        <button type="submit" data-testid="vital-submit" disabled={submit.isBusy}>
          {t("chart.save")}
        </button>
      </form>
      <ErrorMessage error={submit.error} />
      {saved ? <p role="status" className="notice">{t("chart.saved")}</p> : null}
    </section>
  );
}
