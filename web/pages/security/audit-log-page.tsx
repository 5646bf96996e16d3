import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { AuditFilterQuery, AuditSearchResponse } from "../../../shared/api/index.js";
import { auditCsvUrl, downloadAuditCsv, searchAudit } from "../../api/audit-api.js";
import { ErrorMessage } from "../../components/error-message.js";
import { Link } from "../../components/link.js";
import { AuditEntriesTable } from "./audit-entries-table.js";
import { AuditFilterForm } from "./audit-filter-form.js";
import { emptyAuditFilterForm, isReversedRange, toAuditFilter } from "./audit-filter.js";

const pageSize = 100;

/**
 * /security/audit: the security officer's review of the access log (LOG-4). Each search is itself audited by the
 * server. The CSV link exports every entry matching the conditions last searched, not only the page shown.
 */
export function AuditLogPage() {
  const { t } = useTranslation();
  const [fields, setFields] = useState(emptyAuditFilterForm);
  const [shown, setShown] = useState<{ filter: AuditFilterQuery; before: number | undefined; page: AuditSearchResponse } | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [isBusy, setBusy] = useState(false);

  async function show(filter: AuditFilterQuery, before?: number) {
    if (isBusy) return;
    setBusy(true);
    setError(undefined);
    try {
      setShown({ filter, before, page: await searchAudit({ ...filter, limit: pageSize, before }) });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (isReversedRange(fields)) setError(t("audit.invalidRange"));
    else void show(toAuditFilter(fields));
  }

  return (
    <section className="card" aria-labelledby="audit-heading">
      <h1 id="audit-heading">{t("audit.heading")}</h1>
      <p className="hint intro">{t("audit.intro")}</p>
      <AuditFilterForm fields={fields} isBusy={isBusy} onChange={setFields} onSubmit={onSubmit} />
      <ErrorMessage error={error} />
      {shown ? (
        <div className="result">
          <div className="actions">
            <p role="status" data-testid="audit-count">
              {t("audit.count", { count: shown.page.entries.length })}
            </p>
            <a
              className="button-link"
              href={auditCsvUrl(shown.filter)}
              download
              data-testid="audit-csv"
              onClick={(event) => {
                // Fetched rather than followed, so a request for a fresh second factor can be answered and retried.
                event.preventDefault();
                setError(undefined);
                downloadAuditCsv(shown.filter, `mamori-audit-${new Date().toISOString().slice(0, 10)}.csv`).catch(setError);
              }}
            >
              {t("audit.downloadCsv")}
            </a>
          </div>
          <AuditEntriesTable entries={shown.page.entries} />
          <div className="actions">
            {shown.before !== undefined ? (
              <button type="button" className="secondary" data-testid="audit-first-page" disabled={isBusy} onClick={() => void show(shown.filter)}>
                {t("audit.firstPage")}
              </button>
            ) : null}
            {shown.page.nextCursor !== undefined ? (
              <button type="button" data-testid="audit-next-page" disabled={isBusy} onClick={() => void show(shown.filter, shown.page.nextCursor)}>
                {t("audit.nextPage")}
              </button>
            ) : null}
          </div>
        </div>
      ) : null}
      <p>
        <Link to="/">{t("app.backHome")}</Link>
      </p>
    </section>
  );
}
