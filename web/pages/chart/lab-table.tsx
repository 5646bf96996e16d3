import { useTranslation } from "react-i18next";
import { conceptText, type Observation, type ReferenceRange } from "../../api/fhir-clinical-types.js";
import { flagOf } from "./lab-flags.js";
import { DataTable } from "../../components/data-table.js";
import { ChartSectionCard } from "./chart-section-card.js";
import { formatQuantity, useFhirDateTime } from "./format.js";
import type { ChartSection } from "./use-chart-section.js";


function rangeText(range: ReferenceRange | undefined): string {
  if (!range) return "";
  if (range.text) return range.text;
  const unit = range.high?.unit ?? range.low?.unit;
  return `${range.low?.value ?? ""}–${range.high?.value ?? ""}${unit ? ` ${unit}` : ""}`;
}

/** Laboratory results newest first, with the reference range and a flag spelled out (not colour only). */
export function LabTable({ section }: { section: ChartSection<Observation> }) {
  const { t } = useTranslation();
  const formatDate = useFhirDateTime();
  const results = [...(section.items ?? [])].sort((a, b) => (b.effectiveDateTime ?? "").localeCompare(a.effectiveDateTime ?? ""));
  return (
    <ChartSectionCard id="labs" heading={t("chart.labs")} error={section.error} isLoading={section.items === undefined} isEmpty={results.length === 0}>
      <DataTable testId="lab-table" columns={[t("chart.when"), t("chart.test"), t("chart.result"), t("chart.referenceRange"), t("chart.flag")]}>
        {results.map((result) => {
          const flag = flagOf(result);
          const isAbnormal = flag !== undefined && flag !== "N";
          return (
            <tr key={result.id} data-testid="lab-row" className={isAbnormal ? "abnormal" : undefined}>
              <td className="nowrap">{formatDate(result.effectiveDateTime)}</td>
              <td>{conceptText(result.code)}</td>
              <td>{result.valueQuantity ? formatQuantity(result.valueQuantity.value, result.valueQuantity.unit) : (result.valueString ?? "")}</td>
              <td>{rangeText(result.referenceRange?.[0])}</td>
              <td data-testid="lab-flag">{isAbnormal ? <strong className="flag">{`${flag} ${t(`labFlag.${flag}`)}`}</strong> : null}</td>
            </tr>
          );
        })}
      </DataTable>
    </ChartSectionCard>
  );
}
