import type { Executor } from "../db/index.js";
import { createFhirStore } from "./store.js";

/**
 * The data key protecting a patient's records, or undefined when no such patient exists. Lets another module
 * (uploads) encrypt beside the records under the same key, so shredding the patient shreds its files too.
 * Returns a key id, never content.
 */
export function patientDataKeyId(executor: Executor, patientId: string): Promise<string | undefined> {
  return createFhirStore(executor).patientKey(patientId);
}
