import { codeIn, loincSystem, observationCategorySystem, type Observation } from "../../api/fhir-clinical-types.js";

/** The vital signs charted, by LOINC code; blood pressure is one chart with its two components. */
export const vitalSigns = [
  { key: "heartRate", codes: ["8867-4"], unit: "/min" },
  { key: "bloodPressure", codes: ["8480-6", "8462-4"], unit: "mm[Hg]", panel: "85354-9" },
  { key: "temperature", codes: ["8310-5"], unit: "Cel" },
  { key: "weight", codes: ["29463-7"], unit: "kg" },
] as const;

export type VitalSignKey = (typeof vitalSigns)[number]["key"];

interface Reading {
  at: number;
  code: string;
  value: number;
  unit: string | undefined;
}

/** Flattens observations (and blood-pressure panel components) into timed readings per LOINC code. */
export function readingsOf(observations: readonly Observation[]): Reading[] {
  const readings: Reading[] = [];
  for (const observation of observations) {
    const at = observation.effectiveDateTime ? new Date(observation.effectiveDateTime).getTime() : Number.NaN;
    if (Number.isNaN(at)) continue;
    const code = codeIn(observation.code, loincSystem);
    if (code && observation.valueQuantity?.value !== undefined) readings.push({ at, code, value: observation.valueQuantity.value, unit: observation.valueQuantity.unit });
    for (const component of observation.component ?? []) {
      const componentCode = codeIn(component.code, loincSystem);
      if (componentCode && component.valueQuantity?.value !== undefined) readings.push({ at, code: componentCode, value: component.valueQuantity.value, unit: component.valueQuantity.unit });
    }
  }
  return readings;
}

/** UCUM units as FHIR expects them, with what the UI shows. */
export const units: Record<string, string> = { "/min": "/min", "mm[Hg]": "mmHg", Cel: "℃", kg: "kg" };

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

