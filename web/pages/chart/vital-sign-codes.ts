import { codeIn, loincSystem, observationCategorySystem, type Observation } from "../../api/fhir-clinical-types.js";

/**
 * The vital signs charted, by LOINC code (JP Core's vital-sign profiles); blood pressure is one chart with its two
 * components. `plausible` is the range a living patient's measurement can fall in, per component: a value outside is
 * a typing slip (372 for 37.2 ℃), refused before it is charted, never clamped.
 */
export const vitalSigns = [
  { key: "heartRate", codes: ["8867-4"], unit: "/min", plausible: [[20, 300]] },
  { key: "bloodPressure", codes: ["8480-6", "8462-4"], unit: "mm[Hg]", panel: "85354-9", plausible: [[40, 300], [20, 200]] },
  { key: "temperature", codes: ["8310-5"], unit: "Cel", plausible: [[30, 45]] },
  { key: "respiratoryRate", codes: ["9279-1"], unit: "/min", plausible: [[4, 80]] },
  { key: "oxygenSaturation", codes: ["2708-6"], unit: "%", plausible: [[50, 100]] },
  { key: "weight", codes: ["29463-7"], unit: "kg", plausible: [[0.3, 400]] },
  { key: "height", codes: ["8302-2"], unit: "cm", plausible: [[20, 250]] },
] as const;

/** Why a reading cannot be saved as typed; undefined when it can. */
export type VitalInputProblem = "notANumber" | "outOfRange" | "systolicNotAboveDiastolic";

/**
 * Reads what was typed (IME full-width digits, the full-width point and minus folded by NFKC) and checks it against
 * the sign's plausible ranges; blood pressure also needs systolic above diastolic (82/128 is two fields swapped).
 */
export function readVitalInput(key: VitalSignKey, typed: readonly string[]): { values: number[] } | { problem: VitalInputProblem; range?: readonly [number, number] } {
  const sign = vitalSignOf(key);
  const values = typed.slice(0, sign.codes.length).map((text) => text.normalize("NFKC").replace(/[。．]/g, ".").trim());
  // Digits with at most one point inside: the same as a regular expression of digits, point, digits, checked by hand.
  if (values.some((text) => !isDecimal(text))) return { problem: "notANumber" };
  const numbers = values.map(Number);
  for (const [index, value] of numbers.entries()) {
    const range = sign.plausible[index]!;
    if (value < range[0] || value > range[1]) return { problem: "outOfRange", range };
  }
  if (key === "bloodPressure" && numbers[0]! <= numbers[1]!) return { problem: "systolicNotAboveDiastolic" };
  return { values: numbers };
}

export type VitalSignKey = (typeof vitalSigns)[number]["key"];

/** The definition of one vital sign (every key has one). */
export function vitalSignOf(key: VitalSignKey): (typeof vitalSigns)[number] {
  return vitalSigns.find((candidate) => candidate.key === key)!;
}

interface Reading {
  at: number;
  code: string;
  value: number;
  unit: string | undefined;
  /** The Observation the reading comes from (a blood-pressure panel gives two readings of one). */
  observation: Observation;
}

/** Flattens observations (and blood-pressure panel components) into timed readings per LOINC code. */
export function readingsOf(observations: readonly Observation[]): Reading[] {
  const readings: Reading[] = [];
  for (const observation of observations) {
    const at = observation.effectiveDateTime ? new Date(observation.effectiveDateTime).getTime() : Number.NaN;
    // A reading marked entered in error stays in the record's history but is no longer a measurement.
    if (Number.isNaN(at) || observation.status === "entered-in-error") continue;
    const code = codeIn(observation.code, loincSystem);
    if (code && observation.valueQuantity?.value !== undefined) readings.push({ at, code, value: observation.valueQuantity.value, unit: observation.valueQuantity.unit, observation });
    for (const component of observation.component ?? []) {
      const componentCode = codeIn(component.code, loincSystem);
      if (componentCode && component.valueQuantity?.value !== undefined) readings.push({ at, code: componentCode, value: component.valueQuantity.value, unit: component.valueQuantity.unit, observation });
    }
  }
  return readings;
}

/** UCUM units as FHIR expects them, with what the UI shows. */
export const units: Record<string, string> = { "/min": "/min", "mm[Hg]": "mmHg", Cel: "℃", kg: "kg", "%": "%", cm: "cm" };

/** Builds the vital-signs Observation (blood pressure as the panel with systolic and diastolic components). */
export function buildVitalSign(patientId: string, key: VitalSignKey, values: number[], at: Date): Observation {
  const sign = vitalSignOf(key);
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


/** The same Observation marked entered in error: kept in the record and its history, no longer charted. */
export function enteredInError(observation: Observation): Observation {
  return { ...observation, status: "entered-in-error" };
}

/** Unsigned decimal as typed: digits, optionally one point followed by digits ("37", "37.2"; not ".5", "5.", "-5"). */
function isDecimal(text: string): boolean {
  const [whole, fraction, ...rest] = text.split(".");
  const digitsOnly = (part: string | undefined) => part !== undefined && part.length > 0 && [...part].every((char) => char >= "0" && char <= "9");
  return rest.length === 0 && digitsOnly(whole) && (fraction === undefined || digitsOnly(fraction));
}
