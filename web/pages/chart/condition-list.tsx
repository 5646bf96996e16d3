import { useTranslation } from "react-i18next";
import { codeIn, conceptText, conditionClinicalSystem, type Condition } from "../../api/fhir-clinical-types.js";
import { DataTable } from "../../components/data-table.js";
import { ChartSectionCard } from "./chart-section-card.js";
import { useFhirDateTime } from "./format.js";
import type { ChartSection } from "./use-chart-section.js";

/** Problems and diagnoses, active first. */
export function ConditionList({ section, onEdit }: { section: ChartSection<Condition>; onEdit?: ((condition: Condition) => void) | undefined }) {
  const { t } = useTranslation();
  const formatDate = useFhirDateTime();
  const statusOf = (condition: Condition) => codeIn(condition.clinicalStatus, conditionClinicalSystem) ?? "";
  const conditions = [...(section.items ?? [])].sort((a, b) => Number(statusOf(b) === "active") - Number(statusOf(a) === "active"));
  return (
    <ChartSectionCard id="conditions" heading={t("chart.conditions")} error={section.error} isLoading={section.items === undefined} isEmpty={conditions.length === 0}>
      <DataTable testId="condition-table" columns={[t("chart.condition"), t("chart.status"), t("chart.onset"), ...(onEdit ? [t("chart.actions")] : [])]}>
        {conditions.map((condition) => (
          <tr key={condition.id} data-testid="condition-row">
            <td>{conceptText(condition.code)}</td>
            <td>{statusOf(condition)}</td>
            <td className="nowrap">{formatDate(condition.onsetDateTime ?? condition.recordedDate)}</td>
            {onEdit ? (
              <td>
                <button type="button" className="secondary" data-testid="condition-edit" onClick={() => onEdit(condition)}>
                  {t("chart.edit")}
                </button>
              </td>
            ) : null}
          </tr>
        ))}
      </DataTable>
    </ChartSectionCard>
  );
}
