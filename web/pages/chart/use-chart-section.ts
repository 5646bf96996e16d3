import { useCallback, useEffect, useState } from "react";
import type { AnyResource } from "../../api/fhir-clinical-types.js";
import { searchResources } from "../../api/fhir-api.js";

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
  const [items, setItems] = useState<T[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [generation, setGeneration] = useState(0);
  const extraKey = JSON.stringify(extra);

  useEffect(() => {
    let isCurrent = true;
    const params: Array<readonly [string, string]> = [["patient", patientId], ["_count", "100"], ...(JSON.parse(extraKey) as Array<[string, string]>)];
    searchResources<T>(type, params).then(
      (found) => {
        if (!isCurrent) return;
        setError(undefined);
        setItems(found);
      },
      (failure: unknown) => isCurrent && setError(failure),
    );
    return () => {
      isCurrent = false;
    };
  }, [type, patientId, extraKey, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { items, error, reload };
}
