import { useState } from "react";
import { useTranslation } from "react-i18next";
import { accessReviewCsvUrl, fetchAccessReview, recordAccessReview } from "../../api/accounts-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { Link } from "../../components/link.js";
import { TextField } from "../../components/text-field.js";
import { useDateTime } from "../../components/use-date-time.js";
import { useReloadable } from "../../components/use-reloadable.js";
import { useSubmit } from "../../components/use-submit.js";
import { DataTable } from "../../components/data-table.js";

/** /security/access-review: who holds which role, for the periodic review (AUTH-7), with CSV and "record review". */
export function AccessReviewPage() {
  const { t } = useTranslation();
  const formatTime = useDateTime();
  const { value: report, error, reload } = useReloadable(fetchAccessReview);
  const [note, setNote] = useState("");
  const submit = useSubmit(async () => {
    await recordAccessReview(note);
    setNote("");
    void reload();
  });

  return (
    <section className="card" aria-labelledby="review-heading">
      <h1 id="review-heading">{t("review.heading")}</h1>
      <p className="hint intro">{t("review.intro")}</p>
      <ErrorMessage error={error} />
      {report ? (
        <>
          <p data-testid="review-last">
            {report.lastReview
              ? t("review.last", { time: formatTime(report.lastReview.reviewedAt), name: report.lastReview.reviewerName ?? report.lastReview.reviewedBy })
              : t("review.never")}
          </p>
          {report.lastReview?.note ? <p className="hint">{report.lastReview.note}</p> : null}
          <div className="actions">
            <a className="button-link" href={accessReviewCsvUrl} download data-testid="review-csv">
              {t("review.downloadCsv")}
            </a>
          </div>
          <DataTable testId="review-accounts" columns={[t("accounts.name"), t("accounts.roles"), t("accounts.status"), t("review.createdAt"), t("accounts.lastSignIn"), t("review.secondFactors"), t("accounts.lock")]}>
            {report.accounts.map((account) => (
              <tr key={account.id} data-testid="review-row">
                <td>
                  {account.displayName}
                  <br />
                  <span className="hint">{account.email}</span>
                </td>
                <td>{account.roles.map((role) => t(`roles.${role}`)).join("・")}</td>
                <td>{t(account.status === "active" ? "accounts.active" : "accounts.disabled")}</td>
                <td className="nowrap">{formatTime(account.createdAt)}</td>
                <td className="nowrap">{formatTime(account.lastSignInAt)}</td>
                <td>{account.secondFactors.length > 0 ? account.secondFactors.map((factor) => factor.toUpperCase()).join("・") : t("review.noFactor")}</td>
                <td>{account.lockedUntil ? t("accounts.lockedUntil", { time: formatTime(account.lockedUntil) }) : ""}</td>
              </tr>
            ))}
          </DataTable>
          <form onSubmit={submit.onSubmit}>
            <TextField id="review-note" label={t("review.note")} maxLength={2000} value={note} onValueChange={setNote} />
            <ErrorMessage error={submit.error} />
            <button type="submit" data-testid="review-record" disabled={submit.isBusy}>
              {t("review.record")}
            </button>
          </form>
        </>
      ) : error ? null : (
        <p>{t("app.loading")}</p>
      )}
      <p>
        <Link to="/">{t("app.backHome")}</Link>
      </p>
    </section>
  );
}
