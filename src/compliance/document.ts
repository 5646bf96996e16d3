/**
 * A report document as plain data, rendered to HTML (render-html.ts) and PDF (render-pdf.ts) alike, so both
 * formats always say the same thing. Japanese first; `en` texts are the English version.
 */
export interface ReportDocument {
  title: string;
  titleEn?: string;
  /** Lines under the title: service, date, counts. */
  preface: Array<{ label: string; value: string }>;
  sections: ReportSection[];
}

export interface ReportSection {
  heading: string;
  headingEn?: string;
  items: ReportItem[];
}

export interface ReportItem {
  title: string;
  titleEn?: string;
  status?: { label: string; tone: "met" | "partial" | "not_met" | "unknown" | "user" };
  fields: Array<{ label: string; value: string; en?: boolean }>;
}

export const statusLabels = {
  met: { ja: "適合", en: "Met" },
  partial: { ja: "一部適合", en: "Partially met" },
  not_met: { ja: "不適合", en: "Not met" },
  unknown: { ja: "未確認（未検査）", en: "Not yet checked" },
} as const;

/** Evidence as one readable line: `key: value` pairs; arrays joined. */
export function formatEvidence(evidence: Record<string, unknown>): string {
  const parts = Object.entries(evidence).map(([key, value]) => `${key}: ${Array.isArray(value) ? (value.length ? value.join(", ") : "-") : value === null ? "-" : String(value)}`);
  return parts.length ? parts.join("; ") : "-";
}
