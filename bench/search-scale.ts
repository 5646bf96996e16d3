/**
 * FHIR search at scale: loads synthetic Japanese patients (each with a visit and coded results) through the ordinary
 * record path, then measures searches a clinician makes, beside a bare baseline measured in the same run on the same
 * database:
 *   ours      GET /fhir/R4/Patient?family=…, ?identifier=…, Observation?patient=…&code=…: session, Cedar per match,
 *             decrypt, audit entry durable before the answer
 *   baseline  plain Fastify over the same TLS, running the same index query (the keyed hash handed to it) and
 *             selecting the matching bodies: no security, no decryption
 * Also prints the node's memory (RSS, heap) after loading and after the searches.
 * Run: DATABASE_URL=postgres://… BENCH_PATIENTS=100000 npx tsx bench/search-scale.ts (PGlite without DATABASE_URL).
 * Settings: BENCH_PATIENTS (2000), BENCH_OBSERVATIONS per patient (10), BENCH_REQUESTS per row (1000),
 * BENCH_CONCURRENCY connections (10), BENCH_LOAD_CONCURRENCY bundles in flight while loading (4).
 */
import Fastify from "fastify";
import { sql } from "kysely";
import { createSearchIndex } from "../src/fhir/index.js";
import { loadSyntheticPatients, syntheticPatientBundle, syntheticPatientNumber, syntheticPatientNumberSystem } from "../src/fhir/synthetic/index.js";
import { tlsOptions } from "../src/http/index.js";
import { commandLinePrincipal } from "../src/identity/index.js";
import { startTestApp, type SignedInUser, type TestClient } from "../src/testing/index.js";
import { measureGets, type LoadResult } from "./load.js";

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const patients = setting("BENCH_PATIENTS", 2_000);
const observations = setting("BENCH_OBSERVATIONS", 10);
const total = setting("BENCH_REQUESTS", 1000);
const concurrency = setting("BENCH_CONCURRENCY", 10);
const loadConcurrency = setting("BENCH_LOAD_CONCURRENCY", 4);

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;
const memory = () => {
  const usage = process.memoryUsage();
  return `rss ${mib(usage.rss)}, heap ${mib(usage.heapUsed)} of ${mib(usage.heapTotal)}`;
};

// One clinician sends every request: the per-account rate limit and the mass-read rule would rightly stop them.
const app = await startTestApp({
  env: { MAMORI_RATE_LIMIT_ACCOUNT: "off", MAMORI_RATE_LIMIT_IP: "off", MAMORI_IDS_MASS_PATIENT_READ_RESPONSE: "none", MAMORI_IDS_BULK_EXPORT_RESPONSE: "none" },
});
try {
  const doctor = await app.signedInUser("doctor");
  const principal = (await commandLinePrincipal(app.mamori.db, doctor.email, "generate"))!;
  const records = app.mamori.records;

  const loaded = await loadSyntheticPatients({
    transaction: (who, bundle) => records.transaction(who, bundle),
    principal,
    from: 0,
    count: patients,
    observationsPerPatient: observations,
    concurrency: loadConcurrency,
    progressEvery: Math.max(100, Math.floor(patients / 50)),
    onProgress: (progress) => process.stderr.write(`loaded ${progress.patients} / ${progress.total} patients (${progress.resources} resources) in ${(progress.elapsedMs / 1000).toFixed(0)} s; ${memory()}\n`),
  });
  const loadSeconds = loaded.elapsedMs / 1000;
  const afterLoad = memory();
  // Fresh planner statistics, as autovacuum's analyze would give a production server after a load this size. Without
  // them (a server with autovacuum off) PostgreSQL guesses one row per search value and walks every Observation.
  process.stderr.write("analyze (planner statistics)\n");
  await sql`analyze`.execute(app.mamori.db.kysely);

  // Search values a clinician types: two-character kana family-name prefixes, exact patient numbers, one patient's
  // heart rates. The patients of the sampled numbers are looked up once, outside the measurement.
  const kanaPrefixes = [...new Set(Array.from({ length: 40 }, (_, n) => familyKana(n * 7919 % patients).slice(0, 2)))];
  const sampleIndexes = Array.from({ length: 50 }, (_, n) => Math.floor((n * 104729) % patients));
  process.stderr.write("looking up sample patients\n");
  const patientIds: string[] = [];
  for (const index of sampleIndexes) {
    const found = await records.findOne(principal, "Patient", `identifier=${syntheticPatientNumberSystem}|${syntheticPatientNumber(index)}`);
    if (!found) throw new Error(`synthetic patient ${index} not found`);
    patientIds.push(found.resource.id!);
  }

  const search = createSearchIndex({ keyring: app.mamori.keyring });
  const hashOf = (type: string, param: string, value: string) => {
    const condition = search.parse(type, [[param, value]]).conditions.find((each) => each.kind === "token");
    if (!condition || condition.kind !== "token") throw new Error(`no token condition for ${param}`);
    return condition.hashes[0]!.toString("hex");
  };

  const baseline = Fastify({ https: { key: app.mamori.tls.key, cert: app.mamori.tls.cert, ...tlsOptions } });
  baseline.get<{ Querystring: { type: string; param: string; hash?: string; patient?: string } }>("/baseline", async (request) => {
    const { type, param, hash, patient } = request.query;
    const matches = patient
      ? sql<{ id: string }>`select r.id from fhir_search_resource r
          where r.resource_type = ${type}
            and r.id in (select p.id from fhir_search_reference p where p.target_id = ${patient} and p.target_type = 'Patient' and p.param = 'patient' and p.resource_type = ${type})
            and exists (select 1 from fhir_search_token t where t.resource_type = r.resource_type and t.id = r.id and t.param = ${param} and t.value_hash = ${Buffer.from(hash!, "hex")})
          order by r.last_updated, r.id limit 20`
      : sql<{ id: string }>`select r.id from fhir_search_token t join fhir_search_resource r on r.resource_type = t.resource_type and r.id = t.id
          where t.resource_type = ${type} and t.param = ${param} and t.value_hash = ${Buffer.from(hash!, "hex")}
          order by r.last_updated, r.id limit 20`;
    const ids = (await matches.execute(app.mamori.db.kysely)).rows.map((row) => row.id);
    if (ids.length === 0) return { bodies: [] };
    const bodies = await sql<{ body: Uint8Array }>`select distinct on (id) body from fhir_resource_version where resource_type = ${type} and id in (${sql.join(ids)}) order by id, version desc`.execute(app.mamori.db.kysely);
    return { bodies: bodies.rows.map((row) => Buffer.from(row.body).toString("base64")) };
  });
  await baseline.listen({ host: "127.0.0.1", port: 0 });
  const baselineUrl = `https://127.0.0.1:${(baseline.server.address() as { port: number }).port}`;

  // A long load outlasts the web session's idle and absolute limits: the clinician signs in again before searching.
  const searching = app.client();
  await signIn(searching, doctor);
  const cookie = [...searching.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  let turn = 0;
  const next = <T>(items: readonly T[]) => items[turn++ % items.length]!;
  const cases: Array<{ label: string; ours: () => string; bare: () => string }> = [
    {
      label: "Patient?family=<kana 2>",
      ours: () => `${app.baseUrl}/fhir/R4/Patient?family=${encodeURIComponent(next(kanaPrefixes))}&_count=20`,
      bare: () => `${baselineUrl}/baseline?type=Patient&param=family&hash=${hashOf("Patient", "family", next(kanaPrefixes))}`,
    },
    {
      label: "Patient?identifier=<no>",
      ours: () => `${app.baseUrl}/fhir/R4/Patient?identifier=${encodeURIComponent(`${syntheticPatientNumberSystem}|${syntheticPatientNumber(next(sampleIndexes))}`)}`,
      bare: () => `${baselineUrl}/baseline?type=Patient&param=identifier&hash=${hashOf("Patient", "identifier", `${syntheticPatientNumberSystem}|${syntheticPatientNumber(next(sampleIndexes))}`)}`,
    },
    {
      label: "Observation?patient&code",
      ours: () => `${app.baseUrl}/fhir/R4/Observation?patient=${next(patientIds)}&code=${encodeURIComponent("http://loinc.org|8867-4")}`,
      bare: () => `${baselineUrl}/baseline?type=Observation&param=code&hash=${hashOf("Observation", "code", "http://loinc.org|8867-4")}&patient=${next(patientIds)}`,
    },
  ];

  const rows: Array<[string, LoadResult, LoadResult]> = [];
  for (const each of cases) {
    process.stderr.write(`measuring ${each.label}\n`);
    const common = { ca: app.mamori.tls.cert, total, concurrency };
    await measureGets({ ...common, total: Math.min(200, total), url: each.ours, headers: { cookie } });
    await measureGets({ ...common, total: Math.min(200, total), url: each.bare, headers: {} });
    rows.push([each.label, await measureGets({ ...common, url: each.ours, headers: { cookie } }), await measureGets({ ...common, url: each.bare, headers: {} })]);
  }
  await baseline.close();

  const counted = await sql<{ patients: string; resources: string; bytes: string }>`select (select count(*) from fhir_search_resource where resource_type = 'Patient') as patients, (select count(*) from fhir_search_resource) as resources, pg_database_size(current_database()) as bytes`.execute(app.mamori.db.kysely);
  const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(9);
  console.log(`\nFHIR search at scale, ${app.mamori.db.kind}: ${counted.rows[0]!.patients} patients, ${counted.rows[0]!.resources} resources in the index`);
  console.log(`load: ${loaded.patients} patients, ${loaded.resources} resources in ${loadSeconds.toFixed(0)} s = ${(loaded.resources / loadSeconds).toFixed(0)} resources/s (${loadConcurrency} bundles in flight)`);
  console.log(`${total} requests per row at ${concurrency} connections (ours: authorized, decrypted, audited; baseline: same index query, bare)\n`);
  console.log("search                     |  ours req/s |  base req/s | ratio |  ours p50 |  base p50 |  ours p99 |  base p99 | failures ours/base");
  for (const [label, ours, bare] of rows) {
    console.log(
      `${label.padEnd(26)} | ${fmt(ours.perSecond)}   | ${fmt(bare.perSecond)}   | ${(ours.perSecond / bare.perSecond).toFixed(2)}  | ${fmt(ours.p50Ms, 2)} | ${fmt(bare.p50Ms, 2)} | ${fmt(ours.p99Ms, 2)} | ${fmt(bare.p99Ms, 2)} | ${ours.failures}/${bare.failures}`,
    );
  }
  const bytes = Number(counted.rows[0]!.bytes);
  console.log(`\ndatabase size ${mib(bytes)}: ${(bytes / Number(counted.rows[0]!.resources)).toFixed(0)} bytes per resource (versions, search index, audit trail, keys)`);
  console.log(`memory of the node: after loading ${afterLoad}; after the searches ${memory()}`);
} finally {
  await app.close();
}

/** Password and TOTP sign-in; a code already used in this 30 s step is refused, so the next step's is tried then. */
async function signIn(client: TestClient, user: SignedInUser): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const login = await client.post("/api/auth/login", { email: user.email, password: user.password });
    if (login.status !== 200) throw new Error(`sign-in failed: ${login.status}`);
    const verified = await client.post("/api/auth/totp/verify", { code: await user.totpCode() });
    if (verified.json?.stage === "active") return;
    await new Promise((resolve) => setTimeout(resolve, 31_000));
  }
  throw new Error("second factor refused twice");
}

function familyKana(index: number): string {
  const patient = (syntheticPatientBundle(index, 0).entry[0] as { resource: { name: Array<{ family: string }> } }).resource;
  return patient.name[1]!.family;
}
