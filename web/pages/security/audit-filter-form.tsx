import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { auditOutcome, type AuditOutcomeCode } from "../../../shared/api/index.js";
import { SelectField } from "../../components/select-field.js";
import { TextField } from "../../components/text-field.js";
import type { AuditFilterForm as Fields } from "./audit-filter.js";

/** The audit search conditions: account, patient, action, outcome and a date range. */
export function AuditFilterForm({ fields, isBusy, onChange, onSubmit }: { fields: Fields; isBusy: boolean; onChange(fields: Fields): void; onSubmit(event: FormEvent<HTMLFormElement>): void }) {
  const { t } = useTranslation();
  const set = <K extends keyof Fields>(key: K) => (value: Fields[K]) => onChange({ ...fields, [key]: value });
  const outcomes = [{ value: "any" as const, label: t("audit.outcomeAny") }, ...auditOutcome.options.map((value) => ({ value, label: t(`auditOutcome.${value}`) }))];
  return (
    <form onSubmit={onSubmit} aria-labelledby="audit-heading">
      <div className="row">
        <TextField id="audit-account-id" label={t("audit.accountId")} autoComplete="off" value={fields.accountId} onValueChange={set("accountId")} />
        <TextField id="audit-patient-id" label={t("audit.patientId")} autoComplete="off" value={fields.patientId} onValueChange={set("patientId")} />
      </div>
      <div className="row">
        <TextField id="audit-action" label={t("audit.action")} hint={t("audit.actionHint")} autoComplete="off" value={fields.action} onValueChange={set("action")} />
        <SelectField
          id="audit-outcome"
          label={t("audit.outcome")}
          value={fields.outcome || "any"}
          options={outcomes}
          onValueChange={(value) => set("outcome")(value === "any" ? "" : (value as AuditOutcomeCode))}
        />
      </div>
      <div className="row">
        <TextField id="audit-from" label={t("audit.from")} type="date" value={fields.fromDate} onValueChange={set("fromDate")} />
        <TextField id="audit-to" label={t("audit.to")} type="date" value={fields.toDate} onValueChange={set("toDate")} />
      </div>
      <button type="submit" data-testid="audit-search" disabled={isBusy}>
        {isBusy ? t("audit.searching") : t("audit.search")}
      </button>
    </form>
  );
}
