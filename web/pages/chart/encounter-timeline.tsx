import { useTranslation } from "react-i18next";
import { conceptText, type Encounter } from "../../api/fhir-clinical-types.js";
import type { ChartSection } from "./use-chart-section.js";
import { ChartSectionCard } from "./chart-section-card.js";
import { useFhirDateTime } from "./format.js";

/** Encounters newest first, as an ordered list (a timeline that screen readers read in order). */
export function EncounterTimeline({ section }: { section: ChartSection<Encounter> }) {
  const { t } = useTranslation();
  const formatDate = useFhirDateTime();
  const encounters = [...(section.items ?? [])].sort((a, b) => (b.period?.start ?? "").localeCompare(a.period?.start ?? ""));
  return (
    <ChartSectionCard id="encounters" heading={t("chart.encounters")} error={section.error} isLoading={section.items === undefined} isEmpty={encounters.length === 0}>
      <ol className="timeline">
        {encounters.map((encounter) => (
          <li key={encounter.id} data-testid="encounter">
            <time dateTime={encounter.period?.start}>{formatDate(encounter.period?.start)}</time>
            <span>{encounter.class?.display ?? encounter.class?.code ?? ""}</span>
            <span>{encounter.type?.map(conceptText).filter(Boolean).join("、")}</span>
            <span>{encounter.reasonCode?.map(conceptText).filter(Boolean).join("、")}</span>
            <span className="hint">{encounter.status}</span>
          </li>
        ))}
      </ol>
    </ChartSectionCard>
  );
}
