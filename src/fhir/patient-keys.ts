import type { Executor } from "../db/index.js";
import { createFhirStore } from "./store.js";

/**
 * The data key protecting a patient's records, or undefined when no such patient exists or the Patient is deleted.
 * Lets another module (uploads) encrypt beside the records under the same key, so shredding the patient shreds its
 * files too, and refuse a file for a patient the records module would refuse a record for. Returns a key id, never
 * content.
 */
export async function patientDataKeyId(executor: Executor, patientId: string): Promise<string | undefined> {
  const store = createFhirStore(executor);
  const patient = await store.currentVersion("Patient", patientId);
  if (!patient || patient.isDeleted) return undefined;
  return store.patientKey(patientId);
}
