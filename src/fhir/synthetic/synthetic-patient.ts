import { seededRandom } from "../../kernel/index.js";
import { familyNames, femaleGivenNames, maleGivenNames, type NamePart } from "./japanese-names.js";

/**
 * Synthetic patients for load tests and demonstrations: a JP Core-style Patient (kanji and kana names, a hospital
 * patient number), one outpatient Encounter and a series of vital signs and laboratory results, as one FHIR
 * transaction Bundle. Everything follows from the patient's number, so a run can be repeated or resumed.
 */

/** JP Core: the hospital's own patient number system (医療機関固有の患者番号), with a placeholder facility code. */
export const syntheticPatientNumberSystem = "urn:oid:1.2.392.100495.20.3.51.1";

const loinc = "http://loinc.org";
const ucum = "http://unitsofmeasure.org";
const categorySystem = "http://terminology.hl7.org/CodeSystem/observation-category";
const representation = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";

interface Measure {
  code: string;
  display: string;
  category: "vital-signs" | "laboratory";
  unit: string;
  /** Normal range, used both to draw values around and as the laboratory reference range. */
  low: number;
  high: number;
  decimals: number;
}

/** LOINC codes with UCUM units (JP Core vital signs and common laboratory tests). */
const measures: readonly Measure[] = [
  { code: "8867-4", display: "Heart rate", category: "vital-signs", unit: "/min", low: 55, high: 95, decimals: 0 },
  { code: "8310-5", display: "Body temperature", category: "vital-signs", unit: "Cel", low: 35.8, high: 37.4, decimals: 1 },
  { code: "29463-7", display: "Body weight", category: "vital-signs", unit: "kg", low: 45, high: 85, decimals: 1 },
  { code: "9279-1", display: "Respiratory rate", category: "vital-signs", unit: "/min", low: 12, high: 20, decimals: 0 },
  { code: "2345-7", display: "Glucose [Mass/volume] in Serum or Plasma", category: "laboratory", unit: "mg/dL", low: 70, high: 109, decimals: 0 },
  { code: "4548-4", display: "Hemoglobin A1c/Hemoglobin.total in Blood", category: "laboratory", unit: "%", low: 4.6, high: 6.2, decimals: 1 },
  { code: "2823-3", display: "Potassium [Moles/volume] in Serum or Plasma", category: "laboratory", unit: "mmol/L", low: 3.6, high: 4.8, decimals: 1 },
  { code: "2160-0", display: "Creatinine [Mass/volume] in Serum or Plasma", category: "laboratory", unit: "mg/dL", low: 0.46, high: 1.07, decimals: 2 },
];

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The patient number of the `index`-th synthetic patient of a run: 10 digits, prefixed so it cannot be mistaken for a real one. */
export function syntheticPatientNumber(index: number): string {
  return `S${pad(index, 10)}`;
}

function nameOf(family: NamePart, given: NamePart, code: "IDE" | "SYL") {
  const kanji = code === "IDE";
  return {
    use: "official",
    extension: [{ url: representation, valueCode: code }],
    text: kanji ? `${family.kanji} ${given.kanji}` : `${family.kana} ${given.kana}`,
    family: kanji ? family.kanji : family.kana,
    given: [kanji ? given.kanji : given.kana],
  };
}

function observation(measure: Measure, value: number, effective: string, encounterUrl: string, patientUrl: string) {
  return {
    resourceType: "Observation",
    status: "final",
    category: [{ coding: [{ system: categorySystem, code: measure.category }] }],
    code: { coding: [{ system: loinc, code: measure.code, display: measure.display }] },
    subject: { reference: patientUrl },
    encounter: { reference: encounterUrl },
    effectiveDateTime: effective,
    valueQuantity: { value, unit: measure.unit, system: ucum, code: measure.unit },
    ...(measure.category === "laboratory"
      ? { referenceRange: [{ low: { value: measure.low, unit: measure.unit, system: ucum, code: measure.unit }, high: { value: measure.high, unit: measure.unit, system: ucum, code: measure.unit } }] }
      : {}),
  };
}

/**
 * The transaction Bundle that registers the `index`-th synthetic patient with one outpatient visit and
 * `observations` results taken during it (vital signs and laboratory tests in turn).
 */
export function syntheticPatientBundle(index: number, observations: number): { resourceType: "Bundle"; type: "transaction"; entry: unknown[] } {
  const random = seededRandom(index * 2654435761);
  const female = random() < 0.5;
  const family = pick(random, familyNames);
  const given = pick(random, female ? femaleGivenNames : maleGivenNames);
  const birthDate = `${1930 + Math.floor(random() * 90)}-${pad(1 + Math.floor(random() * 12))}-${pad(1 + Math.floor(random() * 28))}`;
  const visitDay = new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 730) * 86_400_000).toISOString().slice(0, 10);
  const patientUrl = `urn:uuid:00000000-0000-4000-8000-${pad(index % 1e12, 12)}`;
  const encounterUrl = `urn:uuid:00000000-0000-4000-9000-${pad(index % 1e12, 12)}`;

  const patient = {
    resourceType: "Patient",
    identifier: [{ system: syntheticPatientNumberSystem, value: syntheticPatientNumber(index) }],
    name: [nameOf(family, given, "IDE"), nameOf(family, given, "SYL")],
    gender: female ? "female" : "male",
    birthDate,
  };
  const encounter = {
    resourceType: "Encounter",
    status: "finished",
    class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB", display: "ambulatory" },
    subject: { reference: patientUrl },
    period: { start: `${visitDay}T09:00:00+09:00`, end: `${visitDay}T09:30:00+09:00` },
  };
  const results = Array.from({ length: observations }, (_, n) => {
    const measure = measures[n % measures.length]!;
    // Mostly within the normal range, one in ten outside it, so flags and charts have something to show.
    const spread = measure.high - measure.low;
    const value = measure.low + spread * (random() < 0.1 ? (random() < 0.5 ? -0.3 : 1.3) : random());
    const minute = 5 + Math.floor(n / measures.length);
    return observation(measure, Number(value.toFixed(measure.decimals)), `${visitDay}T09:${pad(Math.min(minute, 59))}:00+09:00`, encounterUrl, patientUrl);
  });

  return {
    resourceType: "Bundle",
    type: "transaction",
    entry: [
      { fullUrl: patientUrl, resource: patient, request: { method: "POST", url: "Patient" } },
      { fullUrl: encounterUrl, resource: encounter, request: { method: "POST", url: "Encounter" } },
      ...results.map((resource) => ({ resource, request: { method: "POST", url: "Observation" } })),
    ],
  };
}
