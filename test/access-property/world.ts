import fc from "fast-check";
import type { Role, StaffRole } from "../../shared/api/session.js";
import type { TestClient } from "../../src/testing/index.js";

// The generated worlds of the access property test: what fast-check chooses (a spec), and what the test knows
// of the world it built from it (the model). The oracle reads only the model.

export type Label = "N" | "R" | "V";
export const labels: readonly Label[] = ["N", "R", "V"];

/** The record types the requests aim at; CareTeam and Consent records exist in a world only as facts. */
export const sampledTypes = ["Observation", "Condition", "MedicationRequest", "AllergyIntolerance", "DocumentReference", "Encounter", "Patient"] as const;
export type SampledType = (typeof sampledTypes)[number];
/** What a request may create in a patient's compartment (a new Patient would be a compartment of its own). */
export const createdTypes = ["Observation", "Condition", "MedicationRequest", "AllergyIntolerance", "DocumentReference", "Encounter"] as const;
export type ClinicalType = (typeof createdTypes)[number];

export const encounterStates = ["in-progress", "finished", "cancelled"] as const;
export const careTeamStates = ["active", "inactive"] as const;
export const consentPurposes = ["TREAT", "HOPERAT"] as const;
/** Departments principals may belong to; consents may also name one nobody belongs to. */
export const departments = ["org-internal-medicine", "org-psychiatry"] as const;
export const consentDepartments = [...departments, "org-elsewhere"] as const;

export const requestKinds = ["read", "vread", "history", "search", "create", "update", "delete"] as const;
export type RequestKind = (typeof requestKinds)[number];

/** One request of a world: which principal, which record (or patient and type), all as indices taken modulo. */
export interface RequestSpec {
  kind: RequestKind;
  principal: number;
  record: number;
  patient: number;
  type: number;
  label: Label;
}

export interface EncounterSpec {
  /** Principal positions whose Practitioner takes part. */
  participants: number[];
  department: number | null;
  status: (typeof encounterStates)[number];
  label: Label;
  /** Registered at reception by a clerk of the world (label N then: a clerk may not write labelled records). */
  byClerk: boolean;
}

export interface ConsentSpec {
  department: number | null;
  purpose: (typeof consentPurposes)[number] | null;
  status: "active" | "inactive";
}

export interface PatientSpec {
  /** 0: the recorder registers the patient; k: the k-th doctor among the principals (modulo). */
  registrar: number;
  label: Label;
  /** Principal positions in the patient's active care team. */
  careTeam: number[];
  /** A second care team, void (inactive), naming these principals. */
  voidCareTeam: number[] | null;
  encounters: EncounterSpec[];
  records: Array<{ type: Exclude<ClinicalType, "Encounter">; label: Label }>;
  consent: ConsentSpec | null;
}

export interface WorldSpec {
  /** Indices into the account pool (distinct). */
  principals: number[];
  /** Per principal position, the department its staff link names this time (linked accounts only). */
  departments: Array<number | null>;
  /** A patient (index) who signs in to the portal as one more principal. */
  portal: number | null;
  patients: PatientSpec[];
  /** [principal position, patient index]: an emergency grant, taken by care-giving roles only. */
  breakGlass: Array<[number, number]>;
  requests: RequestSpec[];
}

const label = fc.constantFrom(...labels);
/** Principal positions; one past the world's principals names a colleague outside it, so membership stays sparse. */
const positions = fc.uniqueArray(fc.nat({ max: 5 }), { maxLength: 2 });

const consentSpec: fc.Arbitrary<ConsentSpec> = fc.oneof(
  fc.record({ department: fc.nat({ max: consentDepartments.length - 1 }), purpose: fc.constant(null), status: fc.constantFrom("active" as const, "inactive" as const) }),
  fc.record({ department: fc.constant(null), purpose: fc.constantFrom(...consentPurposes), status: fc.constantFrom("active" as const, "inactive" as const) }),
  fc.record({ department: fc.nat({ max: consentDepartments.length - 1 }), purpose: fc.constantFrom(...consentPurposes), status: fc.constant("active" as const) }),
);

const patientSpec: fc.Arbitrary<PatientSpec> = fc.record({
  registrar: fc.nat({ max: 2 }),
  label,
  careTeam: positions,
  voidCareTeam: fc.option(positions, { freq: 4 }),
  encounters: fc.array(
    fc.record({
      participants: positions,
      department: fc.option(fc.nat({ max: departments.length - 1 })),
      status: fc.constantFrom(...encounterStates),
      label,
      byClerk: fc.boolean(),
    }),
    { maxLength: 3 },
  ),
  records: fc.array(fc.record({ type: fc.constantFrom("Observation", "Condition", "MedicationRequest", "AllergyIntolerance", "DocumentReference") as fc.Arbitrary<Exclude<ClinicalType, "Encounter">>, label }), {
    minLength: 1,
    maxLength: 3,
  }),
  consent: fc.option(consentSpec, { freq: 2 }),
});

const requestSpec: fc.Arbitrary<RequestSpec> = fc.record({
  // Reads are most of what a clinic does; each kind still comes up several times per world.
  kind: fc.oneof(
    { weight: 3, arbitrary: fc.constant("read" as const) },
    { weight: 1, arbitrary: fc.constant("vread" as const) },
    { weight: 1, arbitrary: fc.constant("history" as const) },
    { weight: 3, arbitrary: fc.constant("search" as const) },
    { weight: 2, arbitrary: fc.constant("create" as const) },
    { weight: 2, arbitrary: fc.constant("update" as const) },
    { weight: 1, arbitrary: fc.constant("delete" as const) },
  ),
  principal: fc.nat({ max: 5 }),
  record: fc.nat({ max: 40 }),
  patient: fc.nat({ max: 2 }),
  type: fc.nat({ max: sampledTypes.length - 1 }),
  label,
});

/** Worlds of 2–3 patients and 2–5 staff principals (plus perhaps a portal patient), with `requests` requests. */
export function worldSpecs(poolSize: number, requests: { min: number; max: number }): fc.Arbitrary<WorldSpec> {
  return fc.record({
    principals: fc.uniqueArray(fc.nat({ max: poolSize - 1 }), { minLength: 2, maxLength: 5 }),
    departments: fc.array(fc.option(fc.nat({ max: departments.length - 1 })), { minLength: 5, maxLength: 5 }),
    portal: fc.option(fc.nat({ max: 2 }), { freq: 3 }),
    patients: fc.array(patientSpec, { minLength: 2, maxLength: 3 }),
    breakGlass: fc.array(fc.tuple(fc.nat({ max: 5 }), fc.nat({ max: 2 })), { maxLength: 2 }),
    requests: fc.array(requestSpec, { minLength: requests.min, maxLength: requests.max }),
  });
}

// ---- The model: the world as built, kept current as requests change it ----

/** The facts a record carries for access: care team members, encounter participants and department, consent denials. */
export type RecordFacts =
  | { kind: "care_team"; status: string; practitioners: string[] }
  | { kind: "encounter"; status: string; practitioners: string[]; departmentId: string | undefined }
  | { kind: "consent"; status: string; organizationId: string | undefined; purpose: string | undefined }
  | { kind: "none" };

export interface ModelRecord {
  type: string;
  id: string;
  patientId: string;
  /** The resource as written, without id and meta; every version carries the same content. */
  content: Record<string, unknown>;
  /** Version n is versions[n - 1]: its label and whether it is a deletion. */
  versions: Array<{ label: Label; deleted: boolean }>;
  /** Who wrote the version the facts come from, and in which role (a relationship's origin). */
  author: { accountId: string; role: Role };
  facts: RecordFacts;
}

export interface WorldPrincipal {
  /** How failures name it, e.g. `nurse#2 (pr, org-psychiatry)`. */
  name: string;
  accountId: string;
  roles: Role[];
  client: TestClient;
  practitionerId: string | undefined;
  departmentId: string | undefined;
  /** The portal patient's own Patient id. */
  patientId: string | undefined;
}

export interface WorldPatient {
  id: string;
  /** The account that registered the patient (first wrote the Patient) and its role. */
  registrar: { accountId: string; role: Role };
}

export interface World {
  tag: string;
  principals: WorldPrincipal[];
  patients: WorldPatient[];
  /** Every record of the world, fact-carrying ones (CareTeam, Consent) included. */
  records: ModelRecord[];
  breakGlass: Array<{ accountId: string; patientId: string }>;
}

export const currentVersion = (record: ModelRecord) => record.versions.at(-1)!;

export type { StaffRole };
