import type { AuditFilterQuery, AuditOutcomeCode } from "../../../shared/api/index.js";

/** The filter form's fields as typed; dates are `YYYY-MM-DD` from <input type="date">. */
export interface AuditFilterForm {
  accountId: string;
  patientId: string;
  action: string;
  outcome: AuditOutcomeCode | "";
  fromDate: string;
  toDate: string;
}

export const emptyAuditFilterForm: AuditFilterForm = { accountId: "", patientId: "", action: "", outcome: "", fromDate: "", toDate: "" };

/**
 * The form as API conditions. Dates are days in the browser's time zone: `from` is the start of its day and
 * `to` includes its whole day (the API's `to` is exclusive, so it becomes the start of the next day).
 */
export function toAuditFilter(form: AuditFilterForm): AuditFilterQuery {
  const text = (value: string) => value.trim() || undefined;
  return {
    accountId: text(form.accountId),
    patientId: text(form.patientId),
    action: text(form.action),
    outcome: form.outcome || undefined,
    from: form.fromDate ? startOfDay(form.fromDate, 0) : undefined,
    to: form.toDate ? startOfDay(form.toDate, 1) : undefined,
  };
}

/** True when both dates are given and the first comes after the second. */
export function isReversedRange(form: AuditFilterForm): boolean {
  return form.fromDate !== "" && form.toDate !== "" && form.fromDate > form.toDate;
}

function startOfDay(date: string, addDays: number): string {
  const [year, month, day] = date.split("-").map(Number);
  return new Date(year ?? 1970, (month ?? 1) - 1, (day ?? 1) + addDays).toISOString();
}
