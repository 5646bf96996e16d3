import { useTranslation } from "react-i18next";
import { allergyClinicalSystem, codeIn, conceptText, type AllergyIntolerance } from "../../api/fhir-clinical-types.js";
import { ErrorMessage } from "../../components/error-message.js";

/** Active allergies first and prominently: the one thing no one may miss when opening a chart. */
export function AllergyBanner({ allergies, error, onEdit }: { allergies: AllergyIntolerance[] | undefined; error: unknown; onEdit?: ((allergy: AllergyIntolerance) => void) | undefined }) {
  const { t } = useTranslation();
  const active = (allergies ?? []).filter((allergy) => (codeIn(allergy.clinicalStatus, allergyClinicalSystem) ?? "active") === "active");
  return (
    <section className={active.length > 0 ? "allergy-banner has-allergies" : "allergy-banner"} aria-labelledby="allergy-heading" data-testid="allergy-banner">
      <h2 id="allergy-heading">{t("chart.allergies")}</h2>
      <ErrorMessage error={error} />
      {allergies === undefined && !error ? <p role="status">{t("app.loading")}</p> : null}
      {allergies !== undefined && active.length === 0 ? <p data-testid="no-known-allergies">{t("chart.noKnownAllergies")}</p> : null}
      {active.length > 0 ? (
        <ul className="allergy-list">
          {active.map((allergy) => (
            <li key={allergy.id} data-testid="allergy">
              <strong>{conceptText(allergy.code) ?? t("patient.none")}</strong>
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
