import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Observation } from "../../api/fhir-clinical-types.js";
import { readingsOf, vitalSigns } from "./vital-sign-codes.js";
import { DataTable } from "../../components/data-table.js";
import { ChartSectionCard } from "./chart-section-card.js";
import { formatQuantity, useFhirDateTime } from "./format.js";
import { LineChart, type ChartSeries } from "./line-chart.js";
import type { ChartSection } from "./use-chart-section.js";

/**
 * One chart plus its numbers for each vital sign that has readings. With `onEnteredInError` (a clinician who may
 * update the record) each measurement can be marked entered in error: it leaves the chart, never the record.
 */
export function VitalSigns({ section, onEnteredInError }: { section: ChartSection<Observation>; onEnteredInError?: ((observation: Observation) => Promise<void>) | undefined }) {
  const { t } = useTranslation();
  const [markError, setMarkError] = useState<unknown>(undefined);
  const mark = (observation: Observation) => {
    if (!onEnteredInError || !window.confirm(t("chart.confirmEnteredInError"))) return;
    setMarkError(undefined);
    onEnteredInError(observation).catch((failure: unknown) => setMarkError(failure));
  };
  const formatDate = useFhirDateTime();
  const readings = readingsOf(section.items ?? []);
  const charted = vitalSigns.map((sign) => ({ sign, readings: readings.filter((reading) => (sign.codes as readonly string[]).includes(reading.code)) })).filter((entry) => entry.readings.length > 0);
  const formatAt = (at: number) => formatDate(new Date(at).toISOString());
  const formatDay = (at: number) => formatDate(new Date(at).toISOString().slice(0, 10));
  return (
    <ChartSectionCard id="vital-signs" heading={t("chart.vitalSigns")} error={section.error ?? markError} isLoading={section.items === undefined} isEmpty={charted.length === 0}>
      {charted.map(({ sign, readings: signReadings }) => {
        const series: ChartSeries[] = sign.codes.map((code) => ({ label: t(`vitals.${code}`), points: signReadings.filter((reading) => reading.code === code).map(({ at, value }) => ({ at, value })) }));
        const newestFirst = [...signReadings].sort((a, b) => b.at - a.at);
        return (
          <figure key={sign.key} className="vital-sign" data-testid={`vital-${sign.key}`}>
            <figcaption>
              <h3>{t(`vitals.${sign.key}`)}</h3>
              {series.length > 1 ? (
                <ul className="legend">
                  {series.map((line, index) => (
                    <li key={line.label} className={`legend-${index}`}>
                      {line.label}
                    </li>
                  ))}
                </ul>
              ) : null}
            </figcaption>
            <LineChart title={t("chart.vitalChartTitle", { name: t(`vitals.${sign.key}`), count: signReadings.length })} series={series} formatTime={formatDay} />
            <details>
              <summary>{t("chart.showValues")}</summary>
              <DataTable columns={[t("chart.when"), t("chart.item"), t("chart.value"), ...(onEnteredInError ? [""] : [])]}>
                {newestFirst.map((reading) => (
                  <tr key={`${reading.at}-${reading.code}`}>
                    <td className="nowrap">{formatAt(reading.at)}</td>
                    <td>{t(`vitals.${reading.code as (typeof vitalSigns)[number]["codes"][number]}`)}</td>
                    <td data-testid="vital-reading">{formatQuantity(reading.value, reading.unit)}</td>
                    {onEnteredInError ? (
                      <td>
                        {reading.code === sign.codes[0] ? (
                          <button type="button" className="link-button" data-testid="vital-entered-in-error" onClick={() => mark(reading.observation)}>
                            {t("chart.markEnteredInError")}
                          </button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </DataTable>
            </details>
          </figure>
        );
      })}
    </ChartSectionCard>
  );
}
