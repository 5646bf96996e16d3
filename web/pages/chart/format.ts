import { useTranslation } from "react-i18next";
import { formatFhirDate } from "../clinician/jp-core-patient.js";

/**
 * Formats a FHIR date or dateTime in the UI language, Japanese style first (2026/04/01 9:00); date-only values
 * keep their calendar day (no time-zone shift).
 */
export function useFhirDateTime(): (value: string | undefined) => string {
  const { t, i18n } = useTranslation();
  const dateTime = new Intl.DateTimeFormat(i18n.language === "ja" ? "ja-JP" : "en-CA", { dateStyle: "medium", timeStyle: "short" });
  return (value) => {
    if (!value) return t("patient.none");
    if (!value.includes("T")) return formatFhirDate(value, i18n.language) ?? value;
    const at = new Date(value);
    return Number.isNaN(at.getTime()) ? value : dateTime.format(at);
  };
}

/** A number with its unit, e.g. "72 /min". */
export function formatQuantity(value: number | undefined, unit: string | undefined): string {
  if (value === undefined) return "";
  return unit ? `${value} ${unit}` : String(value);
}
