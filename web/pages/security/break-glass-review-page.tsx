import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import { closeBreakGlassReview, fetchBreakGlassReviews, type BreakGlassReview, type ReviewOutcome, type ReviewStatus } from "../../api/break-glass-api.js";
import { DataTable } from "../../components/data-table.js";
import { ErrorMessage } from "../../components/error-message.js";
import { Link } from "../../components/link.js";
import { SelectField } from "../../components/select-field.js";
import { TextField } from "../../components/text-field.js";
import { useDateTime } from "../../components/use-date-time.js";
import { useReloadable } from "../../components/use-reloadable.js";
import { useSubmit } from "../../components/use-submit.js";

/** Epoch milliseconds from what the API sends (ISO text or a number). */
function epochOf(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const at = typeof value === "number" ? value : Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}

/** /security/break-glass: every emergency access is reviewed after the fact; the officer judges and closes it. */
export function BreakGlassReviewPage() {
  const { t } = useTranslation();
  const formatTime = useDateTime();
  const [status, setStatus] = useState<ReviewStatus>("open");
  // Only the newest answer is shown: switching open → closed quickly must not end on the open list.
  const load = useCallback(() => fetchBreakGlassReviews(status), [status]);
  const { value: items, error, reload } = useReloadable(load);

  return (
    <section className="card" aria-labelledby="break-glass-review-heading">
      <h1 id="break-glass-review-heading">{t("breakGlass.heading")}</h1>
      <p className="hint intro">{t("breakGlass.homeText")}</p>
      <SelectField
        id="break-glass-status"
        label={t("breakGlass.status")}
        value={status}
        onValueChange={setStatus}
        options={[
          { value: "open", label: t("breakGlass.statusOpen") },
          { value: "closed", label: t("breakGlass.statusClosed") },
        ]}
      />
      <ErrorMessage error={error} />
      {items?.length === 0 ? <p className="hint">{t("breakGlass.empty")}</p> : null}
      {items && items.length > 0 ? (
        <DataTable testId="break-glass-reviews" columns={[t("breakGlass.grantedAt"), t("breakGlass.account"), t("breakGlass.patientId"), t("breakGlass.reason"), t("breakGlass.accessCount"), t("breakGlass.outcome")]}>
          {items.map((item) => (
            <tr key={item.id} data-testid="break-glass-review">
              <td className="nowrap">
                {formatTime(epochOf(item.grantedAt))}
                <br />
                <span className="hint">{t("breakGlass.until", { time: formatTime(epochOf(item.expiresAt)) })}</span>
              </td>
              <td>{item.account.displayName}</td>
              <td className="identifier">{item.patientId}</td>
              <td>{item.reason}</td>
              <td>{item.accessCount}</td>
              <td>{item.status === "open" ? <CloseReviewForm id={item.id} onClosed={reload} /> : <ClosedOutcome item={item} formatTime={formatTime} />}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      <p>
        <Link to="/">{t("app.backHome")}</Link>
      </p>
    </section>
  );
}

function ClosedOutcome({ item, formatTime }: { item: BreakGlassReview; formatTime(at: number | undefined): string }) {
  const { t } = useTranslation();
  return (
    <>
      <strong className={item.outcome === "unjustified" ? "outcome-denied" : undefined}>{item.outcome ? t(`breakGlass.outcome_${item.outcome}`) : ""}</strong>
      {item.note ? <p className="hint">{item.note}</p> : null}
      <span className="hint">{formatTime(epochOf(item.reviewedAt))}</span>
    </>
  );
}

function CloseReviewForm({ id, onClosed }: { id: string; onClosed(): void }) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<ReviewOutcome | "">("");
  const [note, setNote] = useState("");
  const submit = useSubmit(async () => {
    if (!outcome) throw t("breakGlass.chooseOutcome");
    await closeBreakGlassReview(id, outcome, note.trim());
    onClosed();
  });
  return (
    <form onSubmit={submit.onSubmit}>
      <SelectField
        id={`review-outcome-${id}`}
        label={t("breakGlass.outcome")}
        value={outcome}
        placeholder={t("breakGlass.chooseOutcome")}
        required
        onValueChange={setOutcome}
        options={[
          { value: "justified", label: t("breakGlass.outcome_justified") },
          { value: "unjustified", label: t("breakGlass.outcome_unjustified") },
        ]}
      />
      <TextField id={`review-note-${id}`} label={t("breakGlass.note")} required maxLength={2000} value={note} onValueChange={setNote} />
      <ErrorMessage error={submit.error} />
      <button type="submit" data-testid="break-glass-close" disabled={submit.isBusy}>
        {t("breakGlass.close")}
      </button>
    </form>
  );
}
