import type { Principal } from "../../kernel/index.js";
import { syntheticPatientBundle } from "./synthetic-patient.js";

export interface SyntheticLoadProgress {
  /** Patients written so far in this run (each with its encounter and observations, atomically). */
  patients: number;
  /** Resources written so far in this run. */
  resources: number;
  total: number;
  elapsedMs: number;
}

export interface SyntheticLoadResult extends SyntheticLoadProgress {
  /** Patients found already written (by an earlier, interrupted run) and left alone. */
  skipped: number;
  /** The first patient index not written: resume from here after an interruption. */
  nextIndex: number;
  interrupted: boolean;
}

export interface SyntheticLoadOptions {
  /** Writes one transaction Bundle as the principal (records.transaction: authorized, encrypted, indexed, audited). */
  transaction: (principal: Principal, bundle: unknown) => Promise<unknown>;
  principal: Principal;
  /** Index of the first patient; patients `from` … `from + count - 1` are written. */
  from: number;
  count: number;
  observationsPerPatient: number;
  /** Bundles in flight at once. */
  concurrency: number;
  /**
   * Whether the patient of an index is already stored. Asked for the first `concurrency` indices only: a run that was
   * interrupted or failed may have finished those out of order, and every patient before them is complete.
   */
  isWritten?: ((principal: Principal, index: number) => Promise<boolean>) | undefined;
  /** Stops taking new patients; the ones in flight finish, so every patient below `nextIndex` is complete. */
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: SyntheticLoadProgress) => void) | undefined;
  /** How often onProgress is called, in patients. */
  progressEvery?: number | undefined;
}

/**
 * Loads synthetic patients through the ordinary write path, one transaction Bundle per patient, several in flight.
 * A Bundle is atomic, and an interruption waits for the Bundles in flight, so a run stopped at any point leaves
 * whole patients only and says where to resume.
 * @throws {Error} the first write that fails (after the Bundles in flight finish); nothing of that patient is kept.
 */
export async function loadSyntheticPatients(options: SyntheticLoadOptions): Promise<SyntheticLoadResult> {
  const { from, count, observationsPerPatient, principal } = options;
  const progressEvery = options.progressEvery ?? 1000;
  const started = performance.now();
  const resourcesPerPatient = 2 + observationsPerPatient;
  let issued = 0;
  let written = 0;
  let skipped = 0;
  let failure: unknown;
  const progress = (): SyntheticLoadProgress => ({ patients: written, resources: written * resourcesPerPatient, total: count, elapsedMs: performance.now() - started });

  async function worker(): Promise<void> {
    while (issued < count && !options.signal?.aborted && failure === undefined) {
      const index = from + issued;
      issued += 1;
      try {
        if (issued <= options.concurrency && (await options.isWritten?.(principal, index))) {
          skipped += 1;
          continue;
        }
        await options.transaction(principal, syntheticPatientBundle(index, observationsPerPatient));
      } catch (error) {
        failure ??= new Error(`synthetic patient ${index} was not written; patients before ${index} are complete`, { cause: error });
        return;
      }
      written += 1;
      if (written % progressEvery === 0) options.onProgress?.(progress());
    }
  }

  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  if (failure !== undefined) throw failure;
  options.onProgress?.(progress());
  return { ...progress(), skipped, nextIndex: from + issued, interrupted: issued < count };
}
