import { useCallback } from "react";
import type { AnyResource } from "../../api/fhir-clinical-types.js";
import { searchResources } from "../../api/fhir-api.js";
import { useReloadable } from "../../components/use-reloadable.js";

export interface ChartSection<T> {
  items: T[] | undefined;
  error: unknown;
  reload(): void;
}

/**
 * Loads one chart section: the patient's resources of one type (plus extra search parameters), each section on its
 * own so one refused or failed search leaves the others readable. Data lives in component state only.
 */
export function useChartSection<T extends AnyResource>(type: T["resourceType"], patientId: string, extra: ReadonlyArray<readonly [string, string]> = []): ChartSection<T> {
  const extraKey = JSON.stringify(extra);
  const load = useCallback(
    () => searchResources<T>(type, [["patient", patientId], ["_count", "100"], ...(JSON.parse(extraKey) as Array<[string, string]>)]),
    [type, patientId, extraKey],
  );
  const { value: items, error, reload } = useReloadable(load);
  return { items, error, reload };
}
