import { codeIn, interpretationSystem, type Observation } from "../../api/fhir-clinical-types.js";

export const flags = ["HH", "H", "L", "LL", "A", "N"] as const;
export type Flag = (typeof flags)[number];

/** The H/L/HH/LL flag of a result: the server's interpretation when given, else computed from the reference range. */
export function flagOf(observation: Observation): Flag | undefined {
  const given = codeIn(observation.interpretation?.[0], interpretationSystem) ?? observation.interpretation?.[0]?.coding?.[0]?.code;
  if (given && (flags as readonly string[]).includes(given)) return given as Flag;
  const value = observation.valueQuantity?.value;
  const range = observation.referenceRange?.[0];
  if (value === undefined || !range) return undefined;
  if (range.low?.value !== undefined && value < range.low.value) return "L";
  if (range.high?.value !== undefined && value > range.high.value) return "H";
  return "N";
}
