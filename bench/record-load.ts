/**
 * Loading records: synthetic patients (a patient, a visit and coded results each), one transaction Bundle per
 * patient, several Bundles in flight, beside a bare baseline measured in the same run on the same database:
 *   ours      records.transaction: R4 validation, Cedar per entry, per-patient data key, encryption, version row,
 *             search index and access rows, hash-chained audit entry per resource, all in one transaction
 *   baseline  the same Bundle's resources as plain JSON rows, one multi-row insert per Bundle in a transaction,
 *             with the same number in flight: no validation, security, index or audit
 * Run: DATABASE_URL=postgres://… BENCH_LOAD_PATIENTS=1000 npx tsx bench/record-load.ts (PGlite without DATABASE_URL).
 * Settings: BENCH_LOAD_PATIENTS (500), BENCH_OBSERVATIONS per patient (10), BENCH_LOAD_CONCURRENCY Bundles in flight (4).
 */
import { sql } from "kysely";
import { loadSyntheticPatients, syntheticPatientBundle } from "../src/fhir/synthetic/index.js";
import { commandLinePrincipal } from "../src/identity/index.js";
import { startTestApp } from "../src/testing/index.js";

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const patients = setting("BENCH_LOAD_PATIENTS", 500);
const observations = setting("BENCH_OBSERVATIONS", 10);
const concurrency = setting("BENCH_LOAD_CONCURRENCY", 4);
const resourcesPerPatient = 2 + observations;

const app = await startTestApp({ env: { MAMORI_IDS_MASS_PATIENT_READ_RESPONSE: "none", MAMORI_IDS_BULK_EXPORT_RESPONSE: "none" } });
try {
  const doctor = await app.signedInUser("doctor");
  const principal = (await commandLinePrincipal(app.mamori.db, doctor.email, "generate"))!;
  const db = app.mamori.db.kysely;

  // Warm-up outside the measurement: the first Bundles pay for compiling the validators and the policies.
  await loadSyntheticPatients({ transaction: (who, bundle) => app.mamori.records.transaction(who, bundle), principal, from: 1_000_000, count: 20, observationsPerPatient: observations, concurrency });
  const ours = await loadSyntheticPatients({
    transaction: (who, bundle) => app.mamori.records.transaction(who, bundle),
    principal,
    from: 0,
    count: patients,
    observationsPerPatient: observations,
    concurrency,
    progressEvery: Math.max(100, Math.floor(patients / 10)),
    onProgress: (progress) => process.stderr.write(`ours: ${progress.patients} / ${progress.total} patients in ${(progress.elapsedMs / 1000).toFixed(0)} s\n`),
  });

  await sql`create table bench_bare_resource (resource_type text not null, id text not null, body jsonb not null, primary key (resource_type, id))`.execute(db);
  let bareSeconds = 0;
  try {
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < patients) {
        const index = 2_000_000 + next++;
        const bundle = syntheticPatientBundle(index, observations) as { entry: Array<{ resource: { resourceType: string } }> };
        const rows = bundle.entry.map((entry, position) => ({ resource_type: entry.resource.resourceType, id: `${index}-${position}`, body: JSON.stringify(entry.resource) }));
        await db.transaction().execute((trx) => trx.insertInto("bench_bare_resource" as never).values(rows as never).execute());
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    bareSeconds = (performance.now() - started) / 1000;
  } finally {
    await sql`drop table bench_bare_resource`.execute(db);
  }

  const oursSeconds = ours.elapsedMs / 1000;
  const resources = patients * resourcesPerPatient;
  const oursRate = resources / oursSeconds;
  const bareRate = resources / bareSeconds;
  console.log(`\nLoading records, ${app.mamori.db.kind}: ${patients} patients × ${resourcesPerPatient} resources, one Bundle per patient, ${concurrency} in flight`);
  console.log("side     | resources/s |  seconds | patients/s");
  console.log(`ours     | ${oursRate.toFixed(0).padStart(11)} | ${oursSeconds.toFixed(1).padStart(8)} | ${(patients / oursSeconds).toFixed(1).padStart(10)}`);
  console.log(`baseline | ${bareRate.toFixed(0).padStart(11)} | ${bareSeconds.toFixed(1).padStart(8)} | ${(patients / bareSeconds).toFixed(1).padStart(10)}`);
  console.log(`ratio ours ÷ baseline: ${(oursRate / bareRate).toFixed(3)}`);
  const usage = process.memoryUsage();
  console.log(`memory of the node: rss ${(usage.rss / 1048576).toFixed(0)} MiB, heap ${(usage.heapUsed / 1048576).toFixed(0)} MiB`);
} finally {
  await app.close();
}
