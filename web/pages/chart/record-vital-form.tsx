import { useState } from "react";
import { useTranslation } from "react-i18next";
import { createResource } from "../../api/fhir-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { SelectField } from "../../components/select-field.js";
import { TextField } from "../../components/text-field.js";
import { useSubmit } from "../../components/use-submit.js";
import { buildVitalSign, units, vitalSigns, type VitalSignKey } from "./vital-sign-codes.js";

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
