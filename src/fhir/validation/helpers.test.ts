import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import type { FhirResource } from "../resources/index.js";
import { confidentialityOf, referencedPatientId } from "./index.js";
import { isCalendarDate } from "./schema-check.js";
import { schemaSubset, xmlSchemaPatternToJs, type FhirJsonSchema } from "./schema-subset.js";

const confidentiality = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

function labelled(...security: unknown[]): FhirResource {
  return { resourceType: "Observation", meta: { security } };
}

describe("confidentialityOf", () => {
  it("is N without labels, with only lower labels, or with R/V of another system", () => {
    assert.equal(confidentialityOf({ resourceType: "Observation" }), "N");
    assert.equal(confidentialityOf(labelled()), "N");
    assert.equal(confidentialityOf(labelled({ system: confidentiality, code: "N" }, { system: confidentiality, code: "L" }, { system: confidentiality, code: "M" }, { system: confidentiality, code: "U" })), "N");
    assert.equal(confidentialityOf(labelled({ system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "R" }, { code: "V" })), "N");
  });

  it("is the highest of R and V among the labels", () => {
    assert.equal(confidentialityOf(labelled({ system: confidentiality, code: "R" })), "R");
    assert.equal(confidentialityOf(labelled({ system: confidentiality, code: "N" }, { system: confidentiality, code: "R" })), "R");
    assert.equal(confidentialityOf(labelled({ system: confidentiality, code: "V" }, { system: confidentiality, code: "R" })), "V");
    assert.equal(confidentialityOf(labelled({ system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "PSY" }, { system: confidentiality, code: "V" })), "V");
  });

  it("ignores malformed security entries instead of failing", () => {
    assert.equal(confidentialityOf(labelled(null, "R", 7, { system: confidentiality, code: 1 })), "N");
    assert.equal(confidentialityOf({ resourceType: "Observation", meta: { security: "V" } }), "N");
  });
});

describe("referencedPatientId", () => {
  const reference = (text: unknown) => ({ reference: text });

  it("reads each clinical type's compartment element", () => {
    const byElement: Array<[string, string]> = [
      ["Observation", "subject"], ["Encounter", "subject"], ["Condition", "subject"], ["AllergyIntolerance", "patient"], ["MedicationRequest", "subject"],
      ["DiagnosticReport", "subject"], ["DocumentReference", "subject"], ["CareTeam", "subject"], ["Consent", "patient"],
    ];
    for (const [type, element] of byElement) {
      assert.equal(referencedPatientId(type, { resourceType: type, [element]: reference("Patient/p-1") }), "p-1", type);
      assert.equal(referencedPatientId(type, { resourceType: type, other: reference("Patient/p-1") }), undefined, type);
    }
  });

  it("reads Provenance from its first target only", () => {
    assert.equal(referencedPatientId("Provenance", { resourceType: "Provenance", target: [reference("Patient/p-2"), reference("Observation/o-1")] }), "p-2");
    assert.equal(referencedPatientId("Provenance", { resourceType: "Provenance", target: [reference("Observation/o-1"), reference("Patient/p-2")] }), undefined);
    assert.equal(referencedPatientId("Provenance", { resourceType: "Provenance", target: [] }), undefined);
  });

  it("accepts a versioned relative reference and refuses anything that is not Patient/<id>", () => {
    const observation = (subject: unknown) => ({ resourceType: "Observation", subject });
    assert.equal(referencedPatientId("Observation", observation(reference("Patient/a.b-9/_history/3"))), "a.b-9");
    for (const text of ["Group/g-1", "https://other.example/fhir/Patient/p-1", "Patient/", "Patient/p 1", "patient/p-1", "Patient/p-1/extra", `Patient/${"x".repeat(65)}`, "#contained", 42]) {
      assert.equal(referencedPatientId("Observation", observation(reference(text))), undefined, String(text));
    }
    assert.equal(referencedPatientId("Observation", observation({ identifier: { value: "123" } })), undefined);
    assert.equal(referencedPatientId("Observation", observation("Patient/p-1")), undefined);
  });

  it("is undefined for Patient, directory types and types not stored here", () => {
    assert.equal(referencedPatientId("Patient", { resourceType: "Patient", id: "p-1", link: [{ other: reference("Patient/p-2") }] }), undefined);
    assert.equal(referencedPatientId("Practitioner", { resourceType: "Practitioner", subject: reference("Patient/p-1") }), undefined);
    assert.equal(referencedPatientId("Specimen", { resourceType: "Specimen", subject: reference("Patient/p-1") }), undefined);
  });
});

describe("the carried FHIR R4 JSON schema", () => {
  it("reads XML Schema's \\s and \\S as XML Schema does", () => {
    // oxlint-disable-next-line security/detect-non-literal-regexp -- fixed test patterns.
    const string = new RegExp(xmlSchemaPatternToJs("^[ \\r\\n\\t\\S]+$"));
    assert.ok(string.test("試験　花子\u00a0"));
    assert.ok(!string.test(""));
    // oxlint-disable-next-line security/detect-non-literal-regexp -- fixed test patterns.
    const code = new RegExp(xmlSchemaPatternToJs("^[^\\s]+(\\s[^\\s]+)*$"));
    assert.ok(code.test("a b") && code.test("高血圧\u3000症") && !code.test("a  b") && !code.test(" a"));
    assert.equal(xmlSchemaPatternToJs("^\\S*$"), "^[^ \\t\\n\\r]*$");
    assert.equal(xmlSchemaPatternToJs("^[A-Za-z0-9\\-\\.]{1,64}$"), "^[A-Za-z0-9\\-\\.]{1,64}$");
  });

  it("checks that the day of a date exists in its month", () => {
    for (const value of ["2024-02-29", "2023-02-28", "2024-12-31T23:59:59Z", "2024-04-30", "2024", "2024-02"]) assert.ok(isCalendarDate(value), value);
    for (const value of ["2023-02-29", "1900-02-29", "2024-04-31", "2024-06-31T00:00:00+09:00", "2024-02-30"]) assert.ok(!isCalendarDate(value), value);
  });

  it("holds only patterns that fail fast on inputs built to make them backtrack", () => {
    const carried = JSON.parse(readFileSync(new URL("./fhir-r4.schema.json", import.meta.url), "utf8")) as FhirJsonSchema;
    const patterns = new Set<string>();
    JSON.stringify(carried, (key, value: unknown) => (key === "pattern" && typeof value === "string" ? patterns.add(value) : value));
    const hostile = ["AAAA  ".repeat(16), "a  ".repeat(16), "1".repeat(40), "2024-01-01T".repeat(8), " \t".repeat(24)].map((text) => `${text}!`);
    for (const pattern of patterns) {
      // oxlint-disable-next-line security/detect-non-literal-regexp -- the patterns under test come from the carried schema.
      const regex = new RegExp(pattern, "u");
      const started = performance.now();
      for (const text of hostile) regex.test(text);
      assert.ok(performance.now() - started < 50, pattern);
    }
  });

  const zip = [path.resolve(import.meta.dirname, "../../../../shared/corpora/fhir-r4/fhir.schema.json.zip"), path.resolve(import.meta.dirname, "../../../../../shared/corpora/fhir-r4/fhir.schema.json.zip")].find((candidate) => existsSync(candidate));
  it("is what schema-subset.ts derives from the official schema", { skip: zip === undefined && "the corpus folder is not beside the project" }, () => {
    const official = JSON.parse(execFileSync("unzip", ["-p", zip!, "fhir.schema.json"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })) as FhirJsonSchema;
    const carried = JSON.parse(readFileSync(new URL("./fhir-r4.schema.json", import.meta.url), "utf8")) as FhirJsonSchema;
    assert.deepEqual(carried, schemaSubset(official));
    assert.ok(Object.keys(carried.definitions).length < Object.keys(official.definitions).length / 4);
  });
});
