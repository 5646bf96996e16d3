import { useTranslation } from "react-i18next";
import { conceptText, type MedicationRequest } from "../../api/fhir-clinical-types.js";
import { DataTable } from "../../components/data-table.js";
import { ChartSectionCard } from "./chart-section-card.js";
import { useFhirDateTime } from "./format.js";
import type { ChartSection } from "./use-chart-section.js";

/** Prescriptions (MedicationRequest), newest first. */
export function MedicationList({ section }: { section: ChartSection<MedicationRequest> }) {
  const { t } = useTranslation();
  const formatDate = useFhirDateTime();
  const requests = [...(section.items ?? [])].sort((a, b) => (b.authoredOn ?? "").localeCompare(a.authoredOn ?? ""));
  return (
    <ChartSectionCard id="medications" heading={t("chart.medications")} error={section.error} isLoading={section.items === undefined} isEmpty={requests.length === 0}>
      <DataTable testId="medication-table" columns={[t("chart.medication"), t("chart.dosage"), t("chart.status"), t("chart.authoredOn")]}>
        {requests.map((medication) => (
          <tr key={medication.id} data-testid="medication-row">
            <td>{conceptText(medication.medicationCodeableConcept)}</td>
            <td>{medication.dosageInstruction?.map((dosage) => dosage.text).filter(Boolean).join("／")}</td>
            <td>{medication.status}</td>
            <td className="nowrap">{formatDate(medication.authoredOn)}</td>
          </tr>
        ))}
      </DataTable>
    </ChartSectionCard>
  );
}
