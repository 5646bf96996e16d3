/** FHIR search parameters for what a receptionist or clinician typed into the one patient search field. */
export type PatientQuery = { kind: "name" | "patientNumber" | "birthDate"; params: [string, string][] };

/** Thrown for text shaped like a date that is no calendar date (2023/02/29): searching it as a name would mislead. */
export class NotADateError extends Error {}

/**
 * Reads the search field the way the front desk uses it: a birth date (1984-07-15, 1984/7/15, 19840715 or
 * 昭和59年7月15日), a patient number (digits and Latin letters), or a name in kanji, kana or romaji. IME input is
 * folded first (NFKC: full-width digits, letters and hyphens become ASCII), so ０００７７００１ finds 00077001.
 * A Latin-only entry may be a number or a romaji name: both are asked.
 */
export function patientQueries(input: string): PatientQuery[] {
  const text = input.normalize("NFKC").trim().replace(/\s+/g, " ");
  if (!text) return [];
  const date = birthDateOf(text);
  if (date === null) throw new NotADateError(text);
  if (date) return [{ kind: "birthDate", params: [["birthdate", date]] }];
  if (/^[0-9]+$/.test(text)) return [{ kind: "patientNumber", params: [["identifier", text]] }];
  if (/^[A-Za-z0-9-]+$/.test(text)) return [{ kind: "patientNumber", params: [["identifier", text]] }, { kind: "name", params: [["name", text]] }];
  return [{ kind: "name", params: [["name", text]] }];
}

const eras: Record<string, number> = { 明治: 1867, 大正: 1911, 昭和: 1925, 平成: 1988, 令和: 2018 };

/** A calendar date as FHIR `YYYY-MM-DD`; null when shaped like a date but not one; undefined when no date at all. */
function birthDateOf(text: string): string | null | undefined {
  const western = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  const japanese = /^(明治|大正|昭和|平成|令和)(\d{1,2}|元)年(\d{1,2})月(\d{1,2})日$/.exec(text);
  const [year, month, day] = western
    ? [Number(western[1]), Number(western[2]), Number(western[3])]
    : japanese
      ? [eras[japanese[1]!]! + (japanese[2] === "元" ? 1 : Number(japanese[2])), Number(japanese[3]), Number(japanese[4])]
      : [];
  if (year === undefined || month === undefined || day === undefined) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  const exists = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  // Eight bare digits that are no date are a patient number; anything written as a date must be one.
  if (!exists) return western && !/^\d{8}$/.test(text) ? null : japanese ? null : undefined;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}
