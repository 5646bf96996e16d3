import { useTranslation } from "react-i18next";

/** Formats epoch milliseconds as date and time in the UI language (Japanese 2026/04/01 9:00 style first). */
export function useDateTime(): (at: number | undefined) => string {
  const { t, i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language === "ja" ? "ja-JP" : "en-CA", { dateStyle: "medium", timeStyle: "short" });
  return (at) => (at === undefined ? t("accounts.never") : format.format(new Date(at)));
}
