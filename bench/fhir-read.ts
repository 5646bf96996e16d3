/**
 * Audited FHIR read against a bare baseline, measured in the same run on the same database:
 *   ours      GET /fhir/R4/Patient/{id}: session check, Cedar decision, decrypt, audit entry durable before the answer
 *   baseline  plain Fastify over the same TLS settings, selecting the same row, no security at all
 * Run: npm run bench (DATABASE_URL=… for PostgreSQL).
 */
import Fastify from "fastify";
import { sql } from "kysely";
import { tlsOptions } from "../src/http/index.js";
import { buildPatient, startTestApp } from "../src/testing/index.js";
import { measureGets, type LoadResult } from "./load.js";

const total = Number(process.env["BENCH_REQUESTS"] ?? 2000);
const concurrencies = [1, 10];

const app = await startTestApp();
try {
  const doctor = await app.signedInUser("doctor");
  const ids: string[] = [];
  for (let n = 0; n < 50; n += 1) {
    const created = await doctor.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: `B${n}` }), { contentType: "application/fhir+json" });
    ids.push(created.json.id as string);
  }
  const cookie = [...doctor.client.cookies].map(([name, value]) => `${name}=${value}`).join("; ");

  const baseline = Fastify({ https: { key: app.mamori.tls.key, cert: app.mamori.tls.cert, ...tlsOptions } });
  baseline.get<{ Params: { id: string } }>("/baseline/Patient/:id", async (request) => {
    const row = await sql<{ body: Uint8Array }>`select body from fhir_resource_version where resource_type = 'Patient' and id = ${request.params.id} order by version desc limit 1`.execute(app.mamori.db.kysely);
    return { body: Buffer.from(row.rows[0]!.body).toString("base64") };
  });
  await baseline.listen({ host: "127.0.0.1", port: 0 });
  const baselineUrl = `https://127.0.0.1:${(baseline.server.address() as { port: number }).port}`;

  let next = 0;
  const pick = () => ids[next++ % ids.length]!;
  const rows: Array<[string, LoadResult, LoadResult]> = [];
  for (const concurrency of concurrencies) {
    const common = { ca: app.mamori.tls.cert, total, concurrency };
    // Warm both paths before measuring.
    await measureGets({ ...common, total: 200, url: () => `${app.baseUrl}/fhir/R4/Patient/${pick()}`, headers: { cookie } });
    await measureGets({ ...common, total: 200, url: () => `${baselineUrl}/baseline/Patient/${pick()}`, headers: {} });
    const ours = await measureGets({ ...common, url: () => `${app.baseUrl}/fhir/R4/Patient/${pick()}`, headers: { cookie } });
    const bare = await measureGets({ ...common, url: () => `${baselineUrl}/baseline/Patient/${pick()}`, headers: {} });
    rows.push([`${concurrency} connection${concurrency > 1 ? "s" : ""}`, ours, bare]);
  }
  await baseline.close();

  const auditRate = await measureVerify(app);
  const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(9);
  console.log(`\nFHIR read, ${app.mamori.db.kind}, ${total} requests per row (ours: authorized, decrypted, audited; baseline: bare select)\n`);
  console.log("load             |  ours req/s |  base req/s | ratio |  ours p50 |  base p50 |  ours p99 |  base p99 | failures");
  for (const [label, ours, bare] of rows) {
    console.log(
      `${label.padEnd(16)} | ${fmt(ours.perSecond)}   | ${fmt(bare.perSecond)}   | ${(ours.perSecond / bare.perSecond).toFixed(2)}  | ${fmt(ours.p50Ms, 2)} | ${fmt(bare.p50Ms, 2)} | ${fmt(ours.p99Ms, 2)} | ${fmt(bare.p99Ms, 2)} | ${ours.failures + bare.failures}`,
    );
  }
  console.log(`\naudit verify: ${auditRate.entries} entries in ${auditRate.seconds.toFixed(2)} s = ${Math.round(auditRate.entries / auditRate.seconds)} entries/s`);
} finally {
  await app.close();
}

async function measureVerify(testApp: Awaited<ReturnType<typeof startTestApp>>) {
  const started = performance.now();
  const report = await testApp.mamori.audit.verify();
  if (!report.intact) throw new Error("audit chain broken during the benchmark");
  return { entries: report.checked, seconds: (performance.now() - started) / 1000 };
}
