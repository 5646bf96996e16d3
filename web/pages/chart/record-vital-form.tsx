import { useState } from "react";
import { useTranslation } from "react-i18next";
import { createResource } from "../../api/fhir-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { localMinute } from "../../components/local-time.js";
import { SelectField } from "../../components/select-field.js";
import { TextField } from "../../components/text-field.js";
import { useSubmit } from "../../components/use-submit.js";
import { buildVitalSign, readVitalInput, units, vitalSignOf, vitalSigns, type VitalSignKey } from "./vital-sign-codes.js";

/**
 * Records one vital sign at its measurement time (now unless changed: vitals are often charted after the round);
 * the chart reloads its vital-sign section afterwards. Values outside what a living patient can measure are refused
 * with the range, so a slip (372 for 37.2 ℃) never reaches the chart.
 */
export function RecordVitalForm({ patientId, onRecorded }: { patientId: string; onRecorded(): void }) {
  const { t } = useTranslation();
  const [key, setKey] = useState<VitalSignKey>("heartRate");
  const [value, setValue] = useState("");
  const [second, setSecond] = useState("");
  // No max on the picker: a form left open would refuse the time of a measurement taken since. A time in the future
  // is refused when saving instead.
  const [measuredAt, setMeasuredAt] = useState(() => localMinute(new Date()));
  const [saved, setSaved] = useState(false);
  const isPressure = key === "bloodPressure";
  const sign = vitalSignOf(key);
  const submit = useSubmit(async () => {
    setSaved(false);
    const read = readVitalInput(key, [value, second]);
    if ("problem" in read) {
      if (read.problem === "outOfRange") throw t("chart.vitalOutOfRange", { min: read.range![0], max: read.range![1], unit: units[sign.unit] });
      throw t(read.problem === "systolicNotAboveDiastolic" ? "chart.systolicNotAboveDiastolic" : "chart.invalidNumber");
    }
    const at = new Date(measuredAt);
    if (Number.isNaN(at.getTime())) throw t("chart.measuredAtRequired");
    if (at.getTime() > Date.now() + 60_000) throw t("chart.measuredInFuture");
    await createResource(buildVitalSign(patientId, key, read.values, at));
    setValue("");
    setSecond("");
    setMeasuredAt(localMinute(new Date()));
    setSaved(true);
    onRecorded();
  });
  return (
    <section className="card" aria-labelledby="record-vital-heading">
      <h2 id="record-vital-heading">{t("chart.recordVital")}</h2>
      <form onSubmit={submit.onSubmit} className="inline-form">
        <SelectField id="vital-kind" label={t("chart.item")} value={key} onValueChange={setKey} options={vitalSigns.map((candidate) => ({ value: candidate.key, label: t(`vitals.${candidate.key}`) }))} />
        <TextField id="vital-value" label={isPressure ? t("vitals.8480-6") : `${t("chart.value")}（${units[sign.unit]}）`} inputMode="decimal" required value={value} onValueChange={setValue} />
        {isPressure ? <TextField id="vital-value-2" label={t("vitals.8462-4")} inputMode="decimal" required value={second} onValueChange={setSecond} /> : null}
        <TextField id="vital-measured-at" label={t("chart.measuredAt")} type="datetime-local" required value={measuredAt} onValueChange={setMeasuredAt} />
        <button type="submit" data-testid="vital-submit" disabled={submit.isBusy}>
          {t("chart.save")}
        </button>
      </form>
      <ErrorMessage error={submit.error} />
      {saved ? <p role="status" className="notice">{t("chart.saved")}</p> : null}
    </section>
  );
}
