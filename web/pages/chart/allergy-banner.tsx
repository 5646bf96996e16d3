import { useTranslation } from "react-i18next";
import { conceptText, type AllergyIntolerance } from "../../api/fhir-clinical-types.js";
import { ErrorMessage } from "../../components/error-message.js";
import { useFhirDateTime } from "./format.js";
import { allergyStatus } from "./allergy-records.js";

/**
 * Active allergies first and prominently: the one thing no one may miss when opening a chart. "No known allergies"
 * is said only when someone recorded it; a chart where nobody asked says that nothing is recorded.
 */
export function AllergyBanner({ allergies, error, onEdit }: { allergies: AllergyIntolerance[] | undefined; error: unknown; onEdit?: ((allergy: AllergyIntolerance) => void) | undefined }) {
  const { t } = useTranslation();
  const formatDate = useFhirDateTime();
  const status = allergies === undefined ? undefined : allergyStatus(allergies);
  return (
    <section className={status?.kind === "allergies" ? "allergy-banner has-allergies" : status?.kind === "unrecorded" ? "allergy-banner unrecorded" : "allergy-banner"} aria-labelledby="allergy-heading" data-testid="allergy-banner">
      <h2 id="allergy-heading">{t("chart.allergies")}</h2>
      <ErrorMessage error={error} />
      {status === undefined && !error ? <p role="status">{t("app.loading")}</p> : null}
      {status?.kind === "unrecorded" ? <p data-testid="allergies-unrecorded">{t("chart.allergiesUnrecorded")}</p> : null}
      {status?.kind === "noKnownAllergies" ? (
        <p data-testid="no-known-allergies">
          {t("chart.noKnownAllergies")}
          {status.record.recordedDate ? <span className="hint"> （{t("chart.recordedOn", { when: formatDate(status.record.recordedDate) })}）</span> : null}
        </p>
      ) : null}
      {status?.kind === "allergies" ? (
        <ul className="allergy-list">
          {status.active.map((allergy) => (
            <li key={allergy.id} data-testid="allergy">
              <strong>{conceptText(allergy.code) ?? t("patient.none")}</strong>
              {allergy.category?.[0] ? <span> （{t(`allergyCategory.${allergy.category[0]}`)}）</span> : null}
              {allergy.criticality === "high" ? <span className="status-badge status-not_met">{t("chart.criticalityHigh")}</span> : null}
              {allergy.reaction?.[0]?.manifestation?.length ? <span> — {allergy.reaction[0].manifestation.map(conceptText).filter(Boolean).join("、")}</span> : null}
              {onEdit ? (
                <button type="button" className="link-button" data-testid="allergy-edit" onClick={() => onEdit(allergy)}>
                  {t("chart.edit")}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
