import type { ReportDocument, ReportItem, ReportSection } from "./document.js";
import type { FhirResource } from "../fhir/index.js";
import { labelJa } from "./record-labels.js";

type Json = Record<string, unknown>;

/** Sections of the readable copy, in the order a patient reads them; Japanese headings first. */
const sectionOrder: Array<{ type: string; heading: string; headingEn: string }> = [
  { type: "AllergyIntolerance", heading: "アレルギー", headingEn: "Allergies" },
  { type: "Condition", heading: "病名・問題", headingEn: "Conditions" },
  { type: "MedicationRequest", heading: "処方", headingEn: "Medications" },
  { type: "Observation", heading: "検査・バイタルサイン", headingEn: "Observations" },
  { type: "Encounter", heading: "受診歴", headingEn: "Encounters" },
  { type: "DocumentReference", heading: "文書", headingEn: "Documents" },
  { type: "Consent", heading: "情報提供の同意", headingEn: "Consents" },
];

const asObject = (value: unknown): Json | undefined => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string | undefined => (typeof value === "string" && value.length > 0 ? value : undefined);

/** The readable text of a CodeableConcept: text, else the first display, else the first code. */
export function conceptText(value: unknown): string | undefined {
  const concept = asObject(value);
  if (!concept) return undefined;
  const codings = asArray(concept["coding"]).map(asObject);
  return asString(concept["text"]) ?? codings.map((coding) => asString(coding?.["display"])).find(Boolean) ?? codings.map((coding) => asString(coding?.["code"])).find(Boolean);
}

function quantityText(value: unknown): string | undefined {
  const quantity = asObject(value);
  if (!quantity || typeof quantity["value"] !== "number") return undefined;
  const unit = asString(quantity["unit"]) ?? asString(quantity["code"]);
  return unit ? `${quantity["value"]} ${unit}` : String(quantity["value"]);
}

/** "2026年4月1日 9:00" style in Japan time for dateTimes; date-only values as written (no day shift). */
export function japaneseDate(value: unknown): string | undefined {
  const text = asString(value);
  if (!text) return undefined;
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (dateOnly) return `${Number(dateOnly[1])}年${Number(dateOnly[2])}月${Number(dateOnly[3])}日`;
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) return text;
  return new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", dateStyle: "long", timeStyle: "short" }).format(at);
}

/** The first coding's code of a CodeableConcept. */
function codeOf(concept: unknown): string | undefined {
  return asString(asObject(asArray(asObject(concept)?.["coding"])[0])?.["code"]);
}

function field(label: string, value: string | undefined): Array<{ label: string; value: string }> {
  return value ? [{ label, value }] : [];
}

/** One line item per resource: its name and the few facts a patient needs. Unknown elements are left out. */
function itemOf(resource: FhirResource): ReportItem {
  const r = resource as Json;
  switch (resource.resourceType) {
    case "AllergyIntolerance":
      return { title: conceptText(r["code"]) ?? "アレルギー", fields: [...field("状態", labelJa("clinicalStatus", codeOf(r["clinicalStatus"]))), ...field("重篤度", labelJa("criticality", asString(r["criticality"]))), ...field("記録日", japaneseDate(r["recordedDate"]))] };
    case "Condition":
      return { title: conceptText(r["code"]) ?? "病名", fields: [...field("状態", labelJa("clinicalStatus", codeOf(r["clinicalStatus"]))), ...field("発症日", japaneseDate(r["onsetDateTime"] ?? r["recordedDate"]))] };
    case "MedicationRequest":
      return {
        title: conceptText(r["medicationCodeableConcept"]) ?? "処方",
        fields: [...field("用法・用量", asArray(r["dosageInstruction"]).map((dosage) => asString(asObject(dosage)?.["text"])).filter(Boolean).join("／") || undefined), ...field("処方日", japaneseDate(r["authoredOn"])), ...field("状態", labelJa("medicationStatus", asString(r["status"])))],
      };
    case "Observation": {
      const components = asArray(r["component"]).map((component) => `${conceptText(asObject(component)?.["code"]) ?? ""} ${quantityText(asObject(component)?.["valueQuantity"]) ?? ""}`.trim());
      const value = quantityText(r["valueQuantity"]) ?? asString(r["valueString"]) ?? (components.length ? components.join("／") : undefined);
      const interpretationConcept = asObject(asArray(r["interpretation"])[0]);
      const interpretation = asString(interpretationConcept?.["text"]) ?? labelJa("interpretation", codeOf(interpretationConcept));
      const range = asObject(asArray(r["referenceRange"])[0]);
      const rangeText = range ? (asString(range["text"]) ?? `${quantityText(range["low"]) ?? ""}〜${quantityText(range["high"]) ?? ""}`) : undefined;
      // A reading marked entered in error stays in the copy (it is part of the record) but says so in its title.
      const title = `${conceptText(r["code"]) ?? "検査"}${asString(r["status"]) === "entered-in-error" ? "（入力誤り）" : ""}`;
      return { title, fields: [...field("日時", japaneseDate(r["effectiveDateTime"])), ...field("結果", value), ...field("基準値", rangeText), ...field("判定", interpretation)] };
    }
    case "Encounter": {
      const period = asObject(r["period"]);
      return { title: japaneseDate(period?.["start"]) ?? "受診", fields: [...field("種別", labelJa("encounterClass", asString(asObject(r["class"])?.["code"])) ?? asString(asObject(r["class"])?.["display"])), ...field("理由", asArray(r["reasonCode"]).map(conceptText).filter(Boolean).join("、") || undefined), ...field("状態", labelJa("encounterStatus", asString(r["status"])))] };
    }
    case "DocumentReference": {
      const attachment = asObject(asObject(asArray(r["content"])[0])?.["attachment"]);
      return { title: asString(attachment?.["title"]) ?? asString(r["description"]) ?? "文書", fields: [...field("日付", japaneseDate(r["date"])), ...field("形式", asString(attachment?.["contentType"]))] };
    }
    case "Consent": {
      const provision = asObject(r["provision"]);
      const purpose = asArray(provision?.["purpose"]).map((coding) => labelJa("consentPurpose", asString(asObject(coding)?.["code"]))).filter(Boolean).join("、");
      const actor = asArray(provision?.["actor"]).map((entry) => asString(asObject(asObject(entry)?.["reference"])?.["reference"])).filter(Boolean).join("、");
      return { title: `${asString(provision?.["type"]) === "deny" ? "拒否" : "許可"}: ${purpose || actor || "-"}`, fields: [...field("状態", labelJa("consentStatus", asString(r["status"]))), ...field("日付", japaneseDate(r["dateTime"]))] };
    }
    default:
      return { title: resource.resourceType, fields: [] };
  }
}

function patientLines(patient: FhirResource | undefined): Array<{ label: string; value: string }> {
  if (!patient) return [];
  const p = patient as Json;
  const names = asArray(p["name"]).map(asObject);
  const nameText = (name: Json | undefined) => asString(name?.["text"]) ?? [asString(name?.["family"]), ...asArray(name?.["given"]).map(asString)].filter(Boolean).join(" ");
  return [...field("氏名", names.map(nameText).filter(Boolean).join("／") || undefined), ...field("生年月日", japaneseDate(p["birthDate"]))];
}

/**
 * Turns a patient's $everything Bundle into the plain report document that renderPdf lays out: the patient's
 * own copy, Japanese only, grouped by kind of record, newest first within each group.
 */
export function recordSummary(bundle: { entry?: ReadonlyArray<{ resource?: FhirResource }> }, createdAt: Date): ReportDocument {
  const resources = (bundle.entry ?? []).map((entry) => entry.resource).filter((resource): resource is FhirResource => resource !== undefined);
  const sections: ReportSection[] = [];
  for (const { type, heading, headingEn } of sectionOrder) {
    const ofType = resources.filter((resource) => resource.resourceType === type);
    if (ofType.length === 0) continue;
    const newestFirst = [...ofType].sort((a, b) => (b.meta?.lastUpdated ?? "").localeCompare(a.meta?.lastUpdated ?? ""));
    sections.push({ heading, headingEn, items: newestFirst.map(itemOf) });
  }
  return {
    title: "私の診療記録",
    titleEn: "My medical record",
    preface: [...patientLines(resources.find((resource) => resource.resourceType === "Patient")), { label: "作成日時", value: japaneseDate(createdAt.toISOString()) ?? "" }, { label: "件数", value: String(resources.length) }],
    sections,
  };
}
