import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PDFDocument } from "pdf-lib";
import { renderPdf } from "./render-pdf.js";
import { japaneseDate, recordSummary } from "./record-summary.js";

const bundle = {
  resourceType: "Bundle" as const,
  entry: [
    { resource: { resourceType: "Patient", id: "p1", name: [{ family: "山田", given: ["太郎"] }], birthDate: "1980-04-01" } },
    { resource: { resourceType: "AllergyIntolerance", id: "a1", patient: { reference: "Patient/p1" }, code: { text: "ペニシリン" }, criticality: "high", clinicalStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", code: "active" }] } } },
    {
      resource: {
        resourceType: "Observation",
        id: "o1",
        subject: { reference: "Patient/p1" },
        code: { text: "血圧" },
        effectiveDateTime: "2026-04-01T00:30:00Z",
        component: [
          { code: { text: "収縮期" }, valueQuantity: { value: 128, unit: "mmHg" } },
          { code: { text: "拡張期" }, valueQuantity: { value: 82, unit: "mmHg" } },
        ],
      },
    },
    { resource: { resourceType: "Observation", id: "o2", subject: { reference: "Patient/p1" }, code: { text: "血糖" }, valueQuantity: { value: 130, unit: "mg/dL" }, referenceRange: [{ low: { value: 70, unit: "mg/dL" }, high: { value: 109, unit: "mg/dL" } }], interpretation: [{ coding: [{ code: "H" }] }] } },
    { resource: { resourceType: "Consent", id: "c1", patient: { reference: "Patient/p1" }, status: "active", provision: { type: "deny", purpose: [{ code: "HRESCH" }] } } },
  ],
};

describe("readable copy of a patient's record", () => {
  it("groups the Bundle by kind of record with Japanese headings and the facts of each", () => {
    const document = recordSummary(bundle, new Date("2026-04-02T01:00:00Z"));
    assert.equal(document.title, "私の診療記録");
    assert.deepEqual(document.preface.slice(0, 2), [
      { label: "氏名", value: "山田 太郎" },
      { label: "生年月日", value: "1980年4月1日" },
    ]);
    assert.deepEqual(document.sections.map((section) => section.heading), ["アレルギー", "検査・バイタルサイン", "情報提供の同意"]);
    const observations = document.sections[1]!.items;
    assert.deepEqual(observations.find((item) => item.title === "血圧")?.fields.find((field) => field.label === "結果"), { label: "結果", value: "収縮期 128 mmHg／拡張期 82 mmHg" });
    const glucose = observations.find((item) => item.title === "血糖")!;
    assert.deepEqual(glucose.fields.map((field) => `${field.label}=${field.value}`), ["結果=130 mg/dL", "基準値=70 mg/dL〜109 mg/dL", "判定=高値"]);
    assert.equal(document.sections[2]!.items[0]!.title, "拒否: 研究");
    const allergy = document.sections[0]!.items[0]!;
    assert.deepEqual(allergy.fields.map((field) => `${field.label}=${field.value}`), ["状態=継続中", "重篤度=高"]);
  });

  it("writes dates the Japanese way, dateTimes in Japan time", () => {
    assert.equal(japaneseDate("1980-04-01"), "1980年4月1日");
    assert.equal(japaneseDate("2026-04-01T00:30:00Z"), "2026年4月1日 9:30");
  });

  it("renders to a PDF with the Japanese font", async () => {
    const pdf = await renderPdf(recordSummary(bundle, new Date("2026-04-02T01:00:00Z")), { withEnglish: false });
    const loaded = await PDFDocument.load(pdf);
    assert.equal(loaded.getTitle(), "私の診療記録");
    assert.ok(loaded.getPageCount() >= 1);
  });
});
