import type { AdministrativeGender, HumanName, Patient } from "../../api/fhir-types.js";

/** ISO 21090 name representation: IDE = ideographic (kanji), SYL = syllabic (kana). Used by JP Core. */
export const nameRepresentationUrl = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";
/** JP Core's OID base for a hospital's patient number (1.2.392.100495.20.3.51.1 + medical institution code). */
export const patientNumberSystem = "urn:oid:1.2.392.100495.20.3.51.1";

export interface NewPatientInput {
  familyKanji: string;
  givenKanji: string;
  familyKana: string;
  givenKana: string;
  gender: AdministrativeGender;
  birthDate: string;
  patientNumber: string;
  /** Optional: where a patient portal invitation will be sent (Patient.telecom, system email). */
  email?: string;
}

function officialName(family: string, given: string, representation: "IDE" | "SYL"): HumanName {
  return {
    use: "official",
    family,
    given: [given],
    extension: [{ url: nameRepresentationUrl, valueCode: representation }],
  };
}

/** Builds a JP-Core-flavoured Patient: kanji name first, kana name second, patient number identifier, e-mail if given. */
export function buildPatient(input: NewPatientInput): Patient {
  const email = input.email?.trim();
  return {
    resourceType: "Patient",
    identifier: [{ system: patientNumberSystem, value: input.patientNumber.trim() }],
    name: [
      officialName(input.familyKanji.trim(), input.givenKanji.trim(), "IDE"),
      officialName(input.familyKana.trim(), input.givenKana.trim(), "SYL"),
    ],
    gender: input.gender,
    birthDate: input.birthDate,
    ...(email ? { telecom: [{ system: "email", value: email }] } : {}),
  };
}

function representationOf(name: HumanName): string | undefined {
  return name.extension?.find((extension) => extension.url === nameRepresentationUrl)?.valueCode;
}

/** Finds the kanji (IDE) or kana (SYL) name; a name without representation counts as kanji. */
export function findName(patient: Patient, representation: "IDE" | "SYL"): HumanName | undefined {
  const names = patient.name ?? [];
  return (
    names.find((name) => representationOf(name) === representation) ??
    (representation === "IDE" ? names.find((name) => representationOf(name) === undefined) : undefined)
  );
}

/** "山田 太郎": family name first, as Japanese names are written. */
export function formatName(name: HumanName | undefined): string | undefined {
  if (!name) return undefined;
  if (name.text) return name.text;
  const parts = [name.family, ...(name.given ?? [])].filter((part): part is string => Boolean(part));
  return parts.length > 0 ? parts.join(" ") : undefined;
}

/** The hospital patient number, or the first identifier when none uses JP Core's system. */
export function findPatientNumber(patient: Patient): string | undefined {
  const identifiers = patient.identifier ?? [];
  return (identifiers.find((identifier) => identifier.system?.startsWith(patientNumberSystem)) ?? identifiers[0])?.value;
}

/**
 * Formats a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD) for the UI language: 1980年4月1日 or April 1, 1980.
 * The parts are read from the string, never through the local time zone, so the day cannot shift.
 */
export function formatFhirDate(value: string | undefined, language: string): string | undefined {
  // oxlint-disable-next-line security/detect-unsafe-regex -- fixed-width digits in nested optional groups: linear.
  const match = value ? /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value) : null;
  if (!match) return value;
  const [, year, month, day] = match;
  const date = new Date(Date.UTC(Number(year), Number(month ?? 1) - 1, Number(day ?? 1)));
  const options: Intl.DateTimeFormatOptions = { timeZone: "UTC", year: "numeric" };
  if (month) options.month = "long";
  if (day) options.day = "numeric";
  return new Intl.DateTimeFormat(language, options).format(date);
}
