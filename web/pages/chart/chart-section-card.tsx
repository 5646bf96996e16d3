import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ErrorMessage } from "../../components/error-message.js";

/** One chart section: heading, loading and error states, an empty text, then the caller's content. */
export function ChartSectionCard({ id, heading, error, isLoading, isEmpty, children }: { id: string; heading: string; error: unknown; isLoading: boolean; isEmpty: boolean; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby={`${id}-heading`} data-testid={id}>
      <h2 id={`${id}-heading`}>{heading}</h2>
      <ErrorMessage error={error} />
      {isLoading && !error ? <p role="status">{t("app.loading")}</p> : null}
      {!isLoading && isEmpty ? <p className="hint">{t("chart.empty")}</p> : null}
      {!isLoading && !isEmpty ? children : null}
    </section>
  );
}
