import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Condition, Observation } from "../web/api/fhir-clinical-types.js";
import { allergyStatus, buildAllergy, buildNoKnownAllergy, superseded } from "../web/pages/chart/allergy-records.js";
import { binaryIdOf } from "../web/pages/chart/binary-reference.js";
import { applyEdit } from "../web/pages/chart/clinical-edit.js";
import { flagOf } from "../web/pages/chart/lab-flags.js";
import { buildVitalSign, readVitalInput } from "../web/pages/chart/vital-sign-codes.js";
import { readingsOf } from "../web/pages/chart/vital-sign-codes.js";
import { buildDenyConsent } from "../web/pages/patient/portal-resources.js";
import { buildDocumentReference } from "../web/pages/patient/portal-resources.js";

const loinc = "http://loinc.org";
const lab = (value: number, extra: Partial<Observation> = {}): Observation => ({
  resourceType: "Observation",
  status: "final",
  subject: { reference: "Patient/p1" },
  code: { coding: [{ system: loinc, code: "2345-7" }], text: "血糖" },
  valueQuantity: { value, unit: "mg/dL" },
  referenceRange: [{ low: { value: 70 }, high: { value: 109 } }],
  ...extra,
});

describe("chart logic (web)", () => {
  it("flags a lab result from the server's interpretation first, else from the reference range", () => {
    assert.equal(flagOf(lab(250, { interpretation: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", code: "HH" }] }] })), "HH");
    assert.equal(flagOf(lab(120)), "H");
    assert.equal(flagOf(lab(60)), "L");
    assert.equal(flagOf(lab(90)), "N");
    assert.equal(flagOf(lab(90, { referenceRange: [] })), undefined);
  });

  it("builds vital signs with LOINC codes and UCUM units; blood pressure as a panel with two components", () => {
    const at = new Date("2026-04-01T00:30:00Z");
    const pulse = buildVitalSign("p1", "heartRate", [72], at);
    assert.equal(pulse.code.coding?.[0]?.code, "8867-4");
    assert.deepEqual(pulse.valueQuantity, { value: 72, unit: "/min", system: "http://unitsofmeasure.org", code: "/min" });
    assert.equal(pulse.category?.[0]?.coding?.[0]?.code, "vital-signs");
    assert.equal(pulse.subject.reference, "Patient/p1");
    const pressure = buildVitalSign("p1", "bloodPressure", [128, 82], at);
    assert.equal(pressure.code.coding?.[0]?.code, "85354-9");
    assert.equal(pressure.valueQuantity, undefined);
    assert.deepEqual(pressure.component?.map((component) => [component.code.coding?.[0]?.code, component.valueQuantity?.value]), [["8480-6", 128], ["8462-4", 82]]);
    // What the form writes, the chart reads back: one reading per code.
    assert.deepEqual(readingsOf([pulse, pressure]).map((reading) => [reading.code, reading.value]), [["8867-4", 72], ["8480-6", 128], ["8462-4", 82]]);
  });

  it("skips readings without a usable time", () => {
    assert.deepEqual(readingsOf([{ ...buildVitalSign("p1", "weight", [60], new Date()), effectiveDateTime: "not a date" }]), []);
  });

  it("edits only the name and clinical status, keeping every other element of the version read", () => {
    const condition: Condition = { resourceType: "Condition", id: "c1", meta: { versionId: "3" }, subject: { reference: "Patient/p1" }, code: { coding: [{ system: "urn:oid:1.2.392.200119.4.101.6", code: "20061056" }], text: "高血圧症" }, onsetDateTime: "2020-01-01" };
    const edited = applyEdit(condition, "本態性高血圧症", "resolved");
    assert.equal(edited.code?.text, "本態性高血圧症");
    assert.deepEqual(edited.code?.coding, condition.code?.coding);
    assert.deepEqual(edited.clinicalStatus, { coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-clinical", code: "resolved" }] });
    assert.equal(edited.onsetDateTime, "2020-01-01");
    assert.equal(condition.code?.text, "高血圧症", "the original stays untouched");
  });

  it("builds deny consents for an organisation or a purpose, each with the policy rule R4 requires (ppc-1)", () => {
    const now = new Date("2026-04-01T00:00:00Z");
    const organisation = buildDenyConsent("p1", { organizationId: "org-1" }, now);
    assert.equal(organisation.provision?.type, "deny");
    assert.equal(organisation.provision?.actor?.[0]?.reference.reference, "Organization/org-1");
    assert.equal(organisation.patient.reference, "Patient/p1");
    const research = buildDenyConsent("p1", { purpose: "HRESCH" }, now);
    assert.deepEqual(research.provision?.purpose, [{ system: "http://terminology.hl7.org/CodeSystem/v3-ActReason", code: "HRESCH" }]);
    assert.equal(research.status, "active");
    for (const consent of [organisation, research]) assert.equal(consent.policyRule?.coding?.[0]?.code, "OPTOUT");
  });

  it("links uploaded documents to their Binary and reads the id back", () => {
    const document = buildDocumentReference("p1", { id: "b-1", contentType: "application/pdf" }, "紹介状", new Date("2026-04-01T00:00:00Z"));
    assert.equal(document.content[0]?.attachment.url, "Binary/b-1");
    assert.equal(binaryIdOf(document.content[0]?.attachment.url), "b-1");
    assert.equal(binaryIdOf("https://clinic.example.jp/fhir/R4/Binary/b-2"), "b-2");
    assert.equal(binaryIdOf("https://elsewhere.example/file.pdf"), undefined);
  });
});

describe("allergy status on the chart", () => {
  const at = new Date("2026-04-01T00:00:00Z");
  const withStatus = (allergy: ReturnType<typeof buildAllergy>, code: string) => ({ ...allergy, clinicalStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", code }] } });

  it("is unrecorded when nothing was recorded, never 'no known allergies'", () => {
    assert.equal(allergyStatus([]).kind, "unrecorded");
  });

  it("says no known allergies only from an active record of it, and lets a recorded allergy win over it", () => {
    const none = buildNoKnownAllergy("p1", "既知のアレルギーなし", at);
    assert.equal(allergyStatus([none]).kind, "noKnownAllergies");
    const penicillin = buildAllergy("p1", { substance: " ペニシリン ", category: "medication", criticality: "high", reaction: "" }, at);
    assert.equal(penicillin.code?.text, "ペニシリン");
    assert.equal(penicillin.reaction, undefined);
    const status = allergyStatus([none, penicillin]);
    assert.equal(status.kind, "allergies");
    assert.deepEqual(status.kind === "allergies" ? status.active.map((allergy) => allergy.code?.text) : [], ["ペニシリン"]);
    assert.equal(allergyStatus([superseded(none)]).kind, "unrecorded");
    assert.equal(allergyStatus([withStatus(penicillin, "resolved")]).kind, "unrecorded");
  });
});

describe("vital sign input", () => {
  it("folds IME full-width digits and points", () => {
    assert.deepEqual(readVitalInput("temperature", ["３７．２"]), { values: [37.2] });
    assert.deepEqual(readVitalInput("bloodPressure", ["１２８", "82"]), { values: [128, 82] });
  });

  it("refuses values no living patient measures, with the range, and swapped blood pressure fields", () => {
    assert.deepEqual(readVitalInput("temperature", ["372"]), { problem: "outOfRange", range: [30, 45] });
    assert.deepEqual(readVitalInput("oxygenSaturation", ["101"]), { problem: "outOfRange", range: [50, 100] });
    assert.deepEqual(readVitalInput("bloodPressure", ["82", "128"]), { problem: "systolicNotAboveDiastolic" });
    assert.deepEqual(readVitalInput("heartRate", ["-5"]), { problem: "notANumber" });
    assert.deepEqual(readVitalInput("heartRate", ["abc"]), { problem: "notANumber" });
  });
});
