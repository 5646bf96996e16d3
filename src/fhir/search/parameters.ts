import type { FhirResource } from "../resources/index.js";
import { dateRange, periodRange, type DateRange } from "./dates.js";
import { namePrefixes, normaliseName } from "./normalise.js";

/** A reference as indexed: the referenced resource's type and id (ids are random, never PHI). */
export interface ReferenceValue {
  type: string;
  id: string;
}

/** What one parameter takes out of a resource to index, by the kind of parameter. */
export type SearchParameter =
  | { name: string; type: "token"; documentation: string; tokens(resource: FhirResource): string[] }
  | { name: string; type: "string"; documentation: string; names(resource: FhirResource): string[] }
  | { name: string; type: "date"; documentation: string; dates(resource: FhirResource): DateRange[] }
  | { name: string; type: "birthdate"; documentation: string; dates(resource: FhirResource): string[] }
  | { name: string; type: "reference"; documentation: string; references(resource: FhirResource, patientId: string | undefined): ReferenceValue[] };

/** The parameter kinds as the CapabilityStatement names them (FHIR R4 search-param-type). */
export type CapabilitySearchParamType = "token" | "string" | "date" | "reference";

// ---------- reading FHIR datatypes out of untyped JSON ----------

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
const objects = (value: unknown): Json[] => list(value).filter(isObject);
const strings = (value: unknown): string[] => list(value).filter((item): item is string => typeof item === "string" && item.length > 0);

/**
 * The index keys of a coded value: `s:system|code` (system|code and |code searches), `c:code` (code alone, any
 * system) and `S:system` (system|, any code). Each is hashed before it is stored.
 */
export function tokenKeys(system: string | undefined, code: string): string[] {
  return system ? [`s:${system}|${code}`, `c:${code}`, `S:${system}`] : [`s:|${code}`, `c:${code}`];
}

function codingKeys(codings: Json[]): string[] {
  return codings.flatMap((coding) => (typeof coding["code"] === "string" ? tokenKeys(typeof coding["system"] === "string" ? coding["system"] : undefined, coding["code"]) : []));
}

const codeableConceptKeys = (value: unknown): string[] => objects(value).flatMap((concept) => codingKeys(objects(concept["coding"])));
const codeKeys = (value: unknown): string[] => strings(value).flatMap((code) => tokenKeys(undefined, code));

function identifierKeys(value: unknown): string[] {
  return objects(value).flatMap((identifier) =>
    typeof identifier["value"] === "string" ? tokenKeys(typeof identifier["system"] === "string" ? identifier["system"] : undefined, identifier["value"]) : [],
  );
}

/** Phone numbers are matched on their digits (03-1234-5678 = 0312345678), e-mail addresses without case. */
export function normaliseContact(system: string | undefined, value: string): string {
  if (system === "email" || value.includes("@")) return value.trim().toLowerCase();
  const digits = value.normalize("NFKC").replace(/[\s()\-‐‑–—ー]/gu, "");
  return /^\+?\d+$/.test(digits) ? digits : value.trim();
}

function contactKeys(value: unknown, only?: string): string[] {
  return objects(value).flatMap((contact) => {
    const system = typeof contact["system"] === "string" ? contact["system"] : undefined;
    if (typeof contact["value"] !== "string" || (only && system !== only)) return [];
    return tokenKeys(system, normaliseContact(system, contact["value"]));
  });
}

/** `Patient/123`, `https://host/fhir/R4/Patient/123` or `Patient/123/_history/2` as type and id; others undefined. */
export function parseReference(text: string): ReferenceValue | undefined {
  const parts = text.split("/");
  const end = parts.at(-2) === "_history" ? parts.length - 2 : parts.length;
  const type = parts[end - 2];
  const id = parts[end - 1];
  return type && id && /^[A-Z][A-Za-z]{1,63}$/.test(type) && /^[A-Za-z0-9\-.]{1,64}$/.test(id) ? { type, id } : undefined;
}

const references = (value: unknown): ReferenceValue[] =>
  objects(value).flatMap((reference) => {
    const parsed = typeof reference["reference"] === "string" ? parseReference(reference["reference"]) : undefined;
    return parsed ? [parsed] : [];
  });

/** Reference, and for the `patient` parameters also the record's patient compartment given by the records module. */
function patientReferences(value: unknown, patientId: string | undefined): ReferenceValue[] {
  const found = references(value).filter((reference) => reference.type === "Patient");
  return patientId && !found.some((reference) => reference.id === patientId) ? [...found, { type: "Patient", id: patientId }] : found;
}

/** dateTime, instant, Period or date elements named `<base><Type>` (choice types such as effective[x]). */
function choiceDates(resource: FhirResource, base: string): DateRange[] {
  const ranges: DateRange[] = [];
  for (const suffix of ["DateTime", "Instant", "Date", ""]) {
    for (const text of strings(resource[`${base}${suffix}`])) {
      const range = dateRange(text);
      if (range) ranges.push(range);
    }
  }
  // A plain Period element (Encounter.period) or the Period choice (effectivePeriod).
  for (const period of [...objects(resource[base]), ...objects(resource[`${base}Period`])]) {
    const range = periodRange(period);
    if (range) ranges.push(range);
  }
  return ranges;
}

/** HumanName parts to index: family, given (each and together), family+given, given+family and text. */
function humanNameParts(value: unknown, part: "name" | "family" | "given"): string[] {
  return objects(value).flatMap((name) => {
    const family = strings(name["family"]).join("");
    const given = strings(name["given"]);
    if (part === "family") return family ? [family] : [];
    if (part === "given") return [...given, ...(given.length > 1 ? [given.join("")] : [])];
    // Both orders: family first as written in Japanese (山田太郎), given first as often typed in romaji (Taro Yamada).
    return [family, ...given, given.join(""), family + given.join(""), given.join("") + family, ...strings(name["text"])].filter((text) => text.length > 0);
  });
}

function prefixesOf(texts: string[]): string[] {
  return [...new Set(texts.flatMap((text) => namePrefixes(normaliseName(text))))];
}

/** YYYY, YYYY-MM or YYYY-MM-DD: the granularities a birth date is indexed and searched at. */
export const isBirthDateValue = (text: string) => /^(?:\d{4}|\d{4}-\d{2}|\d{4}-\d{2}-\d{2})$/.test(text);

// ---------- the parameters of each type ----------

const token = (name: string, documentation: string, tokens: (resource: FhirResource) => string[]): SearchParameter => ({ name, type: "token", documentation, tokens });
const date = (name: string, documentation: string, dates: (resource: FhirResource) => DateRange[]): SearchParameter => ({ name, type: "date", documentation, dates });
const reference = (name: string, documentation: string, refs: (resource: FhirResource, patientId: string | undefined) => ReferenceValue[]): SearchParameter => ({
  name,
  type: "reference",
  documentation,
  references: refs,
});
const humanName = (name: "name" | "family" | "given", documentation: string): SearchParameter => ({
  name,
  type: "string",
  documentation,
  names: (resource) => prefixesOf(humanNameParts(resource["name"], name)),
});

const dateDoc = (what: string) =>
  `${what}; prefixes eq, ne, gt, ge, lt, le, sa, eb; repeat for a range. A value without a time zone is Japan time (+09:00).`;
const codeDoc = (what: string) => `${what}: system|code, |code, system| or code.`;
const patientParam = (path: string) =>
  reference("patient", `The patient (${path}): Patient/<id> or the bare id.`, (resource, patientId) => patientReferences(resource[path], patientId));
const subjectParam = (path = "subject") =>
  reference("subject", `The subject (${path}): Type/<id>, the bare id, or subject:Type=<id>.`, (resource) => references(resource[path]));
const statusParam = (path = "status") => token("status", `The ${path} code.`, (resource) => codeKeys(resource[path]));
const clinicalStatus = token("clinical-status", codeDoc("clinicalStatus"), (resource) => codeableConceptKeys(resource["clinicalStatus"]));
const codeParam = (path = "code") => token("code", codeDoc(path), (resource) => codeableConceptKeys(resource[path]));
const categoryParam = token("category", codeDoc("category"), (resource) => codeableConceptKeys(resource["category"]));
const identifierParam = token("identifier", "identifier: system|value or value.", (resource) => identifierKeys(resource["identifier"]));

/**
 * Every search parameter per resource type beside the common `_id` and `_lastUpdated`. Parameters not listed here
 * are refused (strict handling), so the CapabilityStatement (`searchParamsOf`) lists exactly what works.
 */
export const searchParameters: Readonly<Record<string, readonly SearchParameter[]>> = {
  Patient: [
    identifierParam,
    humanName("name", "Any part of a name (family, given, family+given, text), kanji, kana or romaji; matches from the start, ignoring case, spaces and katakana/hiragana or half/full width."),
    humanName("family", "Family name from its start (kanji, kana or romaji), ignoring case, spaces and kana width."),
    humanName("given", "Given name from its start (kanji, kana or romaji), ignoring case, spaces and kana width."),
    {
      name: "birthdate",
      type: "birthdate",
      documentation: "Birth date as a year (1980), month (1980-04) or day (1980-04-01), exact match only: range prefixes and sorting are not supported because birth dates are stored only as keyed hashes.",
      dates: (resource) => {
        const text = strings(resource["birthDate"])[0];
        if (!text || !isBirthDateValue(text)) return [];
        return [text.slice(0, 4), ...(text.length >= 7 ? [text.slice(0, 7)] : []), ...(text.length === 10 ? [text] : [])];
      },
    },
    token("gender", "Administrative gender code.", (resource) => codeKeys(resource["gender"])),
    token("telecom", "Any telecom value (system|value or value); phone numbers match on their digits.", (resource) => contactKeys(resource["telecom"])),
    token("phone", "A telecom value of system phone; matches on its digits.", (resource) => contactKeys(resource["telecom"], "phone")),
    token("email", "A telecom value of system email, ignoring case.", (resource) => contactKeys(resource["telecom"], "email")),
  ],
  Observation: [
    patientParam("subject"),
    subjectParam(),
    codeParam(),
    categoryParam,
    date("date", dateDoc("effective[x]"), (resource) => choiceDates(resource, "effective")),
    reference("encounter", "The Encounter: Encounter/<id> or the bare id.", (resource) => references(resource["encounter"])),
  ],
  Encounter: [
    patientParam("subject"),
    subjectParam(),
    date("date", dateDoc("period"), (resource) => choiceDates(resource, "period")),
    statusParam(),
    token("class", codeDoc("class"), (resource) => codingKeys(objects(resource["class"]))),
    reference("participant", "participant.individual: Practitioner/<id> (or another type) or the bare id.", (resource) =>
      references(objects(resource["participant"]).map((participant) => participant["individual"])),
    ),
    reference("service-provider", "serviceProvider: Organization/<id> or the bare id.", (resource) => references(resource["serviceProvider"])),
  ],
  Condition: [
    patientParam("subject"),
    codeParam(),
    clinicalStatus,
    date("onset-date", dateDoc("onset[x] as a dateTime or Period"), (resource) => choiceDates(resource, "onset")),
    date("recorded-date", dateDoc("recordedDate"), (resource) => choiceDates(resource, "recorded")),
  ],
  AllergyIntolerance: [
    patientParam("patient"),
    codeParam(),
    clinicalStatus,
    date("date", dateDoc("recordedDate"), (resource) => choiceDates(resource, "recorded")),
  ],
  MedicationRequest: [
    patientParam("subject"),
    statusParam(),
    token("code", codeDoc("medicationCodeableConcept"), (resource) => codeableConceptKeys(resource["medicationCodeableConcept"])),
    date("authoredon", dateDoc("authoredOn"), (resource) => choiceDates(resource, "authoredOn")),
    token("intent", "The intent code.", (resource) => codeKeys(resource["intent"])),
  ],
  DiagnosticReport: [
    patientParam("subject"),
    codeParam(),
    date("date", dateDoc("effective[x]"), (resource) => choiceDates(resource, "effective")),
    reference("result", "result: Observation/<id> or the bare id.", (resource) => references(resource["result"])),
    categoryParam,
  ],
  DocumentReference: [
    patientParam("subject"),
    token("type", codeDoc("type"), (resource) => codeableConceptKeys(resource["type"])),
    date("date", dateDoc("date"), (resource) => choiceDates(resource, "date")),
    categoryParam,
  ],
  CareTeam: [
    patientParam("subject"),
    reference("participant", "participant.member: Practitioner/<id> (or another type) or the bare id.", (resource) =>
      references(objects(resource["participant"]).map((participant) => participant["member"])),
    ),
    statusParam(),
  ],
  Consent: [patientParam("patient"), statusParam()],
  Provenance: [
    reference("target", "target: Type/<id> or the bare id.", (resource) => references(resource["target"])),
    reference("patient", "The patient the provenance is about: Patient/<id> or the bare id.", (resource, patientId) => patientReferences(resource["target"], patientId)),
    reference("agent", "agent.who: Practitioner/<id> (or another type) or the bare id.", (resource) => references(objects(resource["agent"]).map((agent) => agent["who"]))),
  ],
  Practitioner: [identifierParam, humanName("name", "Any part of a name (family, given, text), kanji, kana or romaji, from its start.")],
  PractitionerRole: [
    reference("practitioner", "Practitioner/<id> or the bare id.", (resource) => references(resource["practitioner"])),
    reference("organization", "Organization/<id> or the bare id.", (resource) => references(resource["organization"])),
  ],
  Organization: [
    identifierParam,
    {
      name: "name",
      type: "string",
      documentation: "Name or alias from its start, ignoring case, spaces and kana width.",
      names: (resource) => prefixesOf([...strings(resource["name"]), ...strings(resource["alias"])]),
    },
  ],
};

/** The parameters every type has (FHIR R4 search.html#all). */
export const commonParameters = [
  { name: "_id", type: "token", documentation: "The logical id; several ids separated by commas." },
  { name: "_lastUpdated", type: "date", documentation: dateDoc("When the current version was stored") },
] as const satisfies ReadonlyArray<{ name: string; type: CapabilitySearchParamType; documentation: string }>;

/** The one parameter of a type, if it has it. */
export function parameterOf(type: string, name: string): SearchParameter | undefined {
  return searchParameters[type]?.find((param) => param.name === name);
}

/**
 * The search parameters of a type for the CapabilityStatement (`rest.resource.searchParam`): exactly those
 * `parse` accepts, the common ones first. Result parameters (_count, _sort, _include, _revinclude) are not listed
 * there, as FHIR puts them in the base specification.
 */
export function searchParamsOf(type: string): Array<{ name: string; type: CapabilitySearchParamType; documentation: string }> {
  return [
    ...commonParameters.map((param) => ({ ...param })),
    ...(searchParameters[type] ?? []).map((param) => ({
      name: param.name,
      type: param.type === "birthdate" ? ("date" as const) : param.type,
      documentation: param.documentation,
    })),
  ];
}
