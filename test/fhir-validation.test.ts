import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { isAppError, type ErrorCode } from "../src/kernel/index.js";
import { buildPatient } from "../src/testing/index.js";
import { isValidatedType, prepareValidation, validateResource, validatedTypes } from "../src/fhir/validation/index.js";

type Json = Record<string, unknown>;

const fixtureDirectory = path.resolve(import.meta.dirname, "fixtures/fhir-r4");
const corpusDirectory = [path.resolve(import.meta.dirname, "../../shared/corpora/fhir-r4/examples"), path.resolve(import.meta.dirname, "../../../shared/corpora/fhir-r4/examples")].find((candidate) => existsSync(candidate));

function readJson(file: string): Json {
  return JSON.parse(readFileSync(file, "utf8")) as Json;
}

function fixture(name: string): Json {
  return readJson(path.join(fixtureDirectory, name));
}

/** The refusal validateResource throws for `body`, as its code and FHIRPath expressions. */
function refusal(type: string, body: unknown): { code: ErrorCode; expression: string[] } {
  try {
    validateResource(type, body);
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { code: error.code, expression: error.expression ?? [] };
  }
  assert.fail(`${type} was accepted`);
}

function narrative(div: string) {
  return { status: "generated", div: `<div xmlns="http://www.w3.org/1999/xhtml">${div}</div>` };
}

describe("validateResource (FHIR R4)", () => {
  before(() => prepareValidation());

  describe("official examples carried in test/fixtures/fhir-r4", () => {
    const files = readdirSync(fixtureDirectory).filter((name) => name.endsWith(".json")).sort();

    it("has two or three of every stored type, one type per file", () => {
      const perType = new Map<string, number>();
      for (const file of files) {
        const type = String(fixture(file)["resourceType"]);
        perType.set(type, (perType.get(type) ?? 0) + 1);
      }
      assert.deepEqual([...perType.keys()].sort(), [...validatedTypes].sort());
      // PractitionerRole, CareTeam and DocumentReference have one official example each.
      for (const [type, count] of perType) assert.ok(count >= (["PractitionerRole", "CareTeam", "DocumentReference"].includes(type) ? 1 : 2), `${type}: ${count}`);
    });

    for (const file of files) {
      it(`accepts ${file}`, () => {
        const resource = fixture(file);
        assert.deepEqual(validateResource(String(resource["resourceType"]), resource), resource);
      });
    }
  });

  describe("refuses what FHIR R4 does not allow, naming the element", () => {
    const observation = () => fixture("observation-example.json");
    const patient = () => fixture("patient-example.json");
    const cases: Array<{ name: string; type: string; body: () => unknown; code: ErrorCode; expression: string[] }> = [
      { name: "a body that is not an object", type: "Patient", body: () => [patient()], code: "fhir.invalid_resource", expression: [] },
      { name: "a resourceType other than the URL's", type: "Patient", body: observation, code: "fhir.resource_type_mismatch", expression: ["resourceType"] },
      { name: "a type not stored here", type: "Specimen", body: () => ({ resourceType: "Specimen" }), code: "fhir.invalid_resource", expression: ["resourceType"] },
      { name: "an unknown element", type: "Patient", body: () => ({ ...patient(), nickname: "x" }), code: "fhir.invalid_resource", expression: ["Patient.nickname"] },
      { name: "an unknown element deep inside", type: "Observation", body: () => ({ ...observation(), code: { coding: [{ system: "http://loinc.org", code: "29463-7", colour: "red" }] } }), code: "fhir.invalid_resource", expression: ["Observation.code.coding[0].colour"] },
      { name: "an element Medplum adds to Meta", type: "Patient", body: () => ({ ...patient(), meta: { project: "p1" } }), code: "fhir.invalid_resource", expression: ["Patient.meta.project"] },
      { name: "a string where a boolean belongs", type: "Patient", body: () => ({ ...patient(), active: "true" }), code: "fhir.invalid_resource", expression: ["Patient.active"] },
      { name: "a number where a string belongs", type: "Observation", body: () => ({ ...observation(), subject: { reference: 42 } }), code: "fhir.invalid_resource", expression: ["Observation.subject.reference"] },
      { name: "a month 13", type: "Patient", body: () => ({ ...patient(), birthDate: "1974-13-25" }), code: "fhir.invalid_resource", expression: ["Patient.birthDate"] },
      { name: "29 February of a common year", type: "Patient", body: () => ({ ...patient(), birthDate: "2023-02-29" }), code: "fhir.invalid_resource", expression: ["Patient.birthDate"] },
      { name: "31 April in a choice dateTime", type: "Observation", body: () => ({ ...observation(), effectiveDateTime: "2024-04-31T10:30:00+09:00" }), code: "fhir.invalid_resource", expression: ["Observation.effectiveDateTime"] },
      { name: "a choice dateTime in the wrong format, named once", type: "Observation", body: () => ({ ...observation(), effectiveDateTime: "2024/05/01" }), code: "fhir.invalid_resource", expression: ["Observation.effectiveDateTime"] },
      { name: "a dateTime without its time zone", type: "Observation", body: () => ({ ...observation(), effectiveDateTime: "2024-05-01T10:30:00" }), code: "fhir.invalid_resource", expression: ["Observation.effectiveDateTime"] },
      { name: "a missing required primitive (Observation.status)", type: "Observation", body: () => ({ ...observation(), status: undefined }), code: "fhir.invalid_resource", expression: ["Observation.status"] },
      { name: "a missing required element (Observation.code)", type: "Observation", body: () => ({ ...observation(), code: undefined }), code: "fhir.invalid_resource", expression: ["Observation.code"] },
      { name: "a code outside a required binding", type: "Observation", body: () => ({ ...observation(), status: "done" }), code: "fhir.invalid_resource", expression: ["Observation.status"] },
      { name: "a gender outside its value set", type: "Patient", body: () => ({ ...patient(), gender: "f" }), code: "fhir.invalid_resource", expression: ["Patient.gender"] },
      { name: "two alternatives of one choice element", type: "Observation", body: () => ({ ...observation(), valueString: "185 lbs" }), code: "fhir.invalid_resource", expression: ["Observation.valueQuantity", "Observation.valueString"] },
      { name: "an empty string", type: "Patient", body: () => ({ ...patient(), gender: "" }), code: "fhir.invalid_resource", expression: ["Patient.gender"] },
      { name: "a null", type: "Patient", body: () => ({ ...patient(), birthDate: null }), code: "fhir.invalid_resource", expression: ["Patient.birthDate"] },
      { name: "an extension without url", type: "Patient", body: () => ({ ...patient(), extension: [{ valueString: "x" }] }), code: "fhir.invalid_resource", expression: ["Patient.extension[0].url"] },
      { name: "an invalid contained resource", type: "Observation", body: () => ({ ...observation(), contained: [{ resourceType: "Medication", id: "m1", strength: "5 mg" }] }), code: "fhir.invalid_resource", expression: ["Observation.contained[0].strength"] },
      { name: "a contained resource of no FHIR type", type: "Observation", body: () => ({ ...observation(), contained: [{ resourceType: "Prescription", id: "m1" }] }), code: "fhir.invalid_resource", expression: ["Observation.contained[0].resourceType"] },
      { name: "narrative without its div", type: "Patient", body: () => ({ ...patient(), text: { status: "generated" } }), code: "fhir.invalid_resource", expression: ["Patient.text.div"] },
      { name: "a script in narrative", type: "Patient", body: () => ({ ...patient(), text: narrative("<p>ok</p><script>fetch('/x')</script>") }), code: "fhir.unprocessable", expression: ["Patient.text.div"] },
      { name: "an event handler in narrative", type: "Observation", body: () => ({ ...observation(), text: narrative('<img src="chart.png" onerror="alert(1)"/>') }), code: "fhir.unprocessable", expression: ["Observation.text.div"] },
      { name: "an upper-case event handler", type: "Patient", body: () => ({ ...patient(), text: narrative('<p ONMOUSEOVER="alert(1)">x</p>') }), code: "fhir.unprocessable", expression: ["Patient.text.div"] },
      { name: "a javascript: link hidden by an entity and a tab", type: "Patient", body: () => ({ ...patient(), text: narrative('<a href="java&#x09;scr&#105;pt:alert(1)">x</a>') }), code: "fhir.unprocessable", expression: ["Patient.text.div"] },
      { name: "an iframe in narrative", type: "Patient", body: () => ({ ...patient(), text: narrative('<iframe src="https://example.org/"></iframe>') }), code: "fhir.unprocessable", expression: ["Patient.text.div"] },
      { name: "an object in narrative", type: "Patient", body: () => ({ ...patient(), text: narrative('<object data="x.swf"></object>') }), code: "fhir.unprocessable", expression: ["Patient.text.div"] },
      { name: "an embed in narrative", type: "Patient", body: () => ({ ...patient(), text: narrative('<embed src="x.swf"/>') }), code: "fhir.unprocessable", expression: ["Patient.text.div"] },
      { name: "a style element in narrative", type: "Patient", body: () => ({ ...patient(), text: narrative("<style>body{display:none}</style>") }), code: "fhir.unprocessable", expression: ["Patient.text.div"] },
      { name: "a form in narrative", type: "Patient", body: () => ({ ...patient(), text: narrative('<form action="https://example.org/"><p>x</p></form>') }), code: "fhir.unprocessable", expression: ["Patient.text.div"] },
      { name: "an html data URL in narrative", type: "Patient", body: () => ({ ...patient(), text: narrative('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>') }), code: "fhir.unprocessable", expression: ["Patient.text.div"] },
      { name: "active narrative in a contained resource", type: "Observation", body: () => ({ ...observation(), contained: [{ resourceType: "Patient", id: "p1", text: narrative("<script>1</script>") }] }), code: "fhir.unprocessable", expression: ["Observation.contained[0].text.div"] },
    ];
    for (const { name, type, body, code, expression } of cases) {
      it(name, () => {
        const found = refusal(type, JSON.parse(JSON.stringify(body() ?? null)) as unknown);
        assert.equal(found.code, code);
        assert.deepEqual([...found.expression].sort(), [...expression].sort());
      });
    }

    it("names every offending element of one body, as the HTTP layer reports them", () => {
      const found = refusal("Patient", { ...buildPatient(), birthDate: "1984-13-45", nickname: "x" });
      assert.equal(found.code, "fhir.invalid_resource");
      assert.deepEqual([...found.expression].sort(), ["Patient.birthDate", "Patient.nickname"]);
    });
  });

  describe("JP Core Patient", () => {
    it("accepts kanji and kana names told apart by the iso21090-EN-representation extension", () => {
      const patient = buildPatient();
      assert.deepEqual(validateResource("Patient", patient), patient);
    });

    it("accepts the ideographic space inside names and addresses", () => {
      const patient = { ...buildPatient(), name: [{ text: "試験　花子" }], address: [{ text: "東京都千代田区千代田１－１　試験ビル" }] };
      assert.deepEqual(validateResource("Patient", patient), patient);
    });

    it("refuses a representation extension without its code", () => {
      const patient = buildPatient();
      patient.name[0]!.extension = [{ url: "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation" } as never];
      assert.equal(refusal("Patient", patient).code, "fhir.invalid_resource");
    });
  });

  it("refuses base64 content built to make a pattern backtrack, in well under a second", () => {
    const report = fixture("diagnosticreport-example-f201-brainct.json");
    const hostile = { ...report, presentedForm: [{ contentType: "application/pdf", data: `${"AAAA  ".repeat(2000)}!` }] };
    const started = performance.now();
    assert.deepEqual(refusal("DiagnosticReport", hostile).expression, ["DiagnosticReport.presentedForm[0].data"]);
    assert.ok(performance.now() - started < 1000, `${performance.now() - started} ms`);
  });

  it("accepts 29 February of a leap year and partial dates", () => {
    for (const birthDate of ["2024-02-29", "2000-02-29", "1984", "1984-07"]) assert.equal(validateResource("Patient", { ...buildPatient(), birthDate }).birthDate, birthDate);
  });

  it("accepts narrative made of formatting, links, tables and images", () => {
    const patient = { ...buildPatient(), text: narrative('<p style="color: #333">試験 花子 <b>1984-07-15</b></p><table><tr><td><a href="https://example.org/">link</a></td></tr></table><img src="data:image/png;base64,iVBORw0KGgo=" alt="chart"/>') };
    assert.deepEqual(validateResource("Patient", patient), patient);
  });

  it("accepts every official example of the stored types", { skip: corpusDirectory === undefined && "the corpus folder is not beside the project" }, () => {
    const failures: string[] = [];
    let checked = 0;
    for (const file of readdirSync(corpusDirectory!).filter((name) => name.endsWith(".json")).sort()) {
      const resource = readJson(path.join(corpusDirectory!, file));
      const type = String(resource["resourceType"]);
      if (!isValidatedType(type)) continue;
      checked += 1;
      try {
        validateResource(type, resource);
      } catch (error) {
        failures.push(`${file}: ${isAppError(error) ? `${error.code} ${(error.expression ?? []).join(", ")}` : String(error)}`);
      }
    }
    console.log(`official FHIR R4 examples of the stored types: ${checked - failures.length}/${checked} valid`);
    assert.ok(checked >= 200, `only ${checked} examples found`);
    assert.deepEqual(failures, []);
  });
});
