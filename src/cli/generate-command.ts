import { parseArgs } from "node:util";
import { createAccess } from "../access/index.js";
import type { Config } from "../config/index.js";
import { createRecords, createSearchIndex } from "../fhir/index.js";
import { loadSyntheticPatients, syntheticPatientNumber, syntheticPatientNumberSystem, type SyntheticLoadProgress } from "../fhir/synthetic/index.js";
import { prepareValidation } from "../fhir/validation/index.js";
import { commandLinePrincipal } from "../identity/index.js";
import { systemClock } from "../kernel/index.js";
import { withServices } from "./with-services.js";
import { generateUsage } from "./usage.js";


function progressLine(progress: SyntheticLoadProgress): string {
  const seconds = progress.elapsedMs / 1000;
  const rate = progress.patients / Math.max(seconds, 0.001);
  const remaining = rate > 0 ? Math.round((progress.total - progress.patients) / rate) : 0;
  return `synthetic patients: ${progress.patients} / ${progress.total} (${progress.resources} resources, ${rate.toFixed(0)} patients/s, about ${remaining} s left)`;
}

/**
 * Runs `generate`: synthetic patients written through the ordinary record path (validated, authorized for the named
 * clinician, encrypted, indexed, audited). Returns the exit code: 0 when done, 130 when interrupted, 2 on bad usage.
 * @throws {Error} from the database or the KMS, or the first refused write.
 */
export async function runGenerateCommand(config: Readonly<Config>, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv.slice(1),
    options: { patients: { type: "string" }, as: { type: "string" }, "observations-per-patient": { type: "string", default: "10" }, from: { type: "string", default: "0" }, concurrency: { type: "string", default: "4" } },
    strict: true,
  });
  const numbers = { patients: Number(values.patients), observations: Number(values["observations-per-patient"]), from: Number(values.from), concurrency: Number(values.concurrency) };
  const valid = Number.isSafeInteger(numbers.patients) && numbers.patients > 0 && Number.isSafeInteger(numbers.observations) && numbers.observations >= 0 && numbers.observations <= 998;
  if (!valid || !Number.isSafeInteger(numbers.from) || numbers.from < 0 || !Number.isSafeInteger(numbers.concurrency) || numbers.concurrency < 1 || !values.as) {
    process.stderr.write(generateUsage);
    return 2;
  }
  return withServices(config, async ({ db, keyring, audit }) => {
    const principal = await commandLinePrincipal(db, values.as!, "generate");
    if (!principal) {
      process.stderr.write("generate: --as must name an active staff account (a clinician who may register patients)\n");
      return 2;
    }
    const access = await createAccess({ networks: config.networks, db, clock: systemClock });
    const records = createRecords({ db, keyring, audit, access, clock: systemClock, search: createSearchIndex({ keyring }), baseUrl: new URL("/fhir/R4", config.publicUrl).toString() });
    prepareValidation();
    const stop = new AbortController();
    const interrupt = () => {
      process.stderr.write("\nstopping: the patients in flight finish, nothing half-written is left\n");
      stop.abort();
    };
    process.once("SIGINT", interrupt);
    process.once("SIGTERM", interrupt);
    const interactive = process.stderr.isTTY;
    try {
      const result = await loadSyntheticPatients({
        transaction: (who, bundle) => records.transaction(who, bundle),
        isWritten: async (who, index) => (await records.findOne(who, "Patient", `identifier=${syntheticPatientNumberSystem}|${syntheticPatientNumber(index)}`)) !== undefined,
        principal,
        from: numbers.from,
        count: numbers.patients,
        observationsPerPatient: numbers.observations,
        concurrency: numbers.concurrency,
        signal: stop.signal,
        progressEvery: 500,
        onProgress: (progress) => process.stderr.write(interactive ? `\r${progressLine(progress)}\u001b[K` : `${progressLine(progress)}\n`),
      });
      if (interactive) process.stderr.write("\n");
      process.stdout.write(`wrote ${result.patients} synthetic patients (${result.resources} resources)${result.skipped ? `, ${result.skipped} already present` : ""} in ${(result.elapsedMs / 1000).toFixed(1)} s\n`);
      if (!result.interrupted) return 0;
      process.stdout.write(`interrupted: resume with --from ${result.nextIndex} --patients ${numbers.from + numbers.patients - result.nextIndex}\n`);
      return 130;
    } finally {
      process.off("SIGINT", interrupt);
      process.off("SIGTERM", interrupt);
    }
  });
}
