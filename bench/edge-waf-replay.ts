/**
 * Replays the corpora through the production edge (deploy/edge: nginx + ModSecurity v3 + OWASP CRS as Debian 12
 * installs them, with Mamori's exclusions), run as in test/edge-waf.test.ts in front of a minimal upstream:
 *   CRS regression attack cases: detected when the edge answers 403; per family, for all cases and for the cases
 *     that test a rule the installed CRS runs at or below the paranoia level;
 *   official FHIR R4 examples (POST and PUT, all sizes), JP Core / JP-CLINS examples, synthetic clinical notes,
 *     FHIR search URLs: every refusal (403 block or 400) is a false positive;
 *   requests/s of a FHIR read and a FHIR POST through the edge, against the same requests sent to the upstream
 *     directly (both over TLS with keep-alive).
 * Run: npx tsx bench/edge-waf-replay.ts [--paranoia N]   (default: PL1 and PL2)
 */
import { readFile } from "node:fs/promises";
import https from "node:https";
import path from "node:path";
import { edgeClient, edgeSkipReason, startEdge, startEdgeUpstream, type EdgeUpstream } from "../src/testing/index.js";
import { clinicalNoteCases, corporaRoot, crsRuleLevels, fhirExampleCases, fhirSearchCases, jpPackageCases, replayThroughEdge, type EdgeCase } from "./edge-waf-cases.js";
import { loadCrsCases } from "./waf-corpus.js";

const skip = edgeSkipReason() ?? (corporaRoot ? undefined : "../shared/corpora is not present");
if (skip) {
  console.log(`edge WAF bench skipped: ${skip}`);
  process.exit(0);
}
const paranoiaArg = process.argv.indexOf("--paranoia");
const levels = (paranoiaArg === -1 ? [1, 2] : [Number(process.argv[paranoiaArg + 1])]) as Array<1 | 2 | 3 | 4>;
const pct = (n: number, d: number) => (d === 0 ? "   -  " : `${((100 * n) / d).toFixed(1).padStart(5)}%`);

const ruleLevels = await crsRuleLevels("/usr/share/modsecurity-crs/rules");
const { cases: crsCases, skipped } = await loadCrsCases(path.join(corporaRoot!, "crs-regression"));
const attacks = crsCases.filter((testCase) => testCase.kind === "attack").map((testCase) => ({ ...testCase, path: testCase.uri }));
const notes = JSON.parse(await readFile(path.resolve(import.meta.dirname, "../test/fixtures/clinical-notes/notes.json"), "utf8")) as string[];
const benign: EdgeCase[] = [
  ...(await fhirExampleCases(path.join(corporaRoot!, "fhir-r4/examples"))),
  ...(await jpPackageCases(["jp-core.r4-1.1.2.tgz", "jp-clins.r4-1.5.2-snap.tgz"].map((file) => path.join(corporaRoot!, "jp-core", file)))),
  ...clinicalNoteCases(notes),
  ...fhirSearchCases,
];
console.log(`CRS corpus: ${attacks.length} attack stages (${skipped} raw/encoded stages skipped); installed CRS rules with a paranoia level: ${ruleLevels.size}`);
console.log(`benign corpora: ${benign.length} requests\n`);

const upstream = await startEdgeUpstream();
for (const level of levels) {
  const edge = await startEdge({ upstream: upstream.address, upstreamCa: upstream.cert, upstreamTlsName: "localhost", paranoia: level, workers: 2 });
  const client = edgeClient(edge);
  try {
    let started = Date.now();
    const attackResult = await replayThroughEdge(attacks, client.send);
    const blocked = new Set(attackResult.blocked);
    console.log(`== paranoia level ${level}: CRS attacks (${((Date.now() - started) / 1000).toFixed(0)} s, ${attackResult.unsendable.length} unsendable by Node's client)`);
    console.log("family            all cases   detected   cases of rules at PL<=" + level + "   detected");
    const families = [...new Set(attacks.map((testCase) => testCase.family))].sort();
    for (const family of [...families, "overall"]) {
      const all = attacks.filter((testCase) => family === "overall" || testCase.family === family);
      const ofLevel = all.filter((testCase) => (ruleLevels.get(testCase.ruleId) ?? 99) <= level);
      const line = `${family.padEnd(17)} ${String(all.length).padStart(9)}   ${pct(all.filter((testCase) => blocked.has(testCase)).length, all.length)}   ${String(ofLevel.length).padStart(22)}   ${pct(ofLevel.filter((testCase) => blocked.has(testCase)).length, ofLevel.length)}`;
      console.log(line);
    }
    started = Date.now();
    const benignResult = await replayThroughEdge(benign, async (request) => ({ blockedAtEdge: (await client.send(request)).refusedAtEdge }));
    console.log(`\nbenign corpora (${((Date.now() - started) / 1000).toFixed(0)} s): refused / sent`);
    for (const corpus of new Set(benign.map((testCase) => testCase.corpus))) {
      const sent = benign.filter((testCase) => testCase.corpus === corpus);
      const refused = benignResult.blocked.filter((testCase) => testCase.corpus === corpus);
      console.log(`  ${corpus.padEnd(24)} ${String(refused.length).padStart(4)} / ${sent.length}${refused.length ? `   (${refused.slice(0, 4).map((testCase) => `${testCase.method} ${testCase.label}`).join(", ")}${refused.length > 4 ? ", …" : ""})` : ""}`);
    }
    console.log("");
  } finally {
    client.close();
    await edge.stop();
  }
}

// Throughput: the same requests through the edge (PL1) and straight to the upstream.
const throughputEdge = await startEdge({ upstream: upstream.address, upstreamCa: upstream.cert, upstreamTlsName: "localhost", workers: 2 });
const observation = await readFile(path.join(corporaRoot!, "fhir-r4/examples/observation-example.json"), "utf8");
const requests = [
  { name: "GET  /fhir/R4/Patient?name=…&_include", method: "GET", path: `/fhir/R4/Observation?patient=Patient/pat-0001&_include=Observation:patient&code=http://loinc.org|8480-6`, headers: {} as Record<string, string> },
  { name: "POST /fhir/R4/Observation (2 kB)", method: "POST", path: "/fhir/R4/Observation", headers: { "Content-Type": "application/fhir+json" }, body: observation },
];
console.log("requests/s (TLS, keep-alive, 8 in flight, 4 s each)     edge   direct   edge/direct");
for (const request of requests) {
  const viaEdge = await requestsPerSecond(edgeClient(throughputEdge).send, request);
  const direct = await requestsPerSecond(directClient(upstream).send, request);
  console.log(`  ${request.name.padEnd(52)} ${viaEdge.toFixed(0).padStart(6)} ${direct.toFixed(0).padStart(8)}   ${(viaEdge / direct).toFixed(2).padStart(6)}`);
}
await throughputEdge.stop();
await upstream.close();

async function requestsPerSecond(send: (request: { method: string; path: string; headers: Record<string, string>; body?: string }) => Promise<unknown>, request: { method: string; path: string; headers: Record<string, string>; body?: string }): Promise<number> {
  const seconds = 4;
  const end = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (Date.now() < end) {
        await send(request);
        done += 1;
      }
    }),
  );
  return done / seconds;
}

function directClient(target: EdgeUpstream) {
  const agent = new https.Agent({ ca: target.cert, servername: "localhost", keepAlive: true, maxSockets: 8 });
  const [host, port] = target.address.split(":");
  return {
    send: (request: { method: string; path: string; headers: Record<string, string>; body?: string }) =>
      new Promise<void>((resolve, reject) => {
        const outgoing = https.request({ host, port, method: request.method, path: request.path, headers: { ...request.headers, ...(request.body ? { "Content-Length": Buffer.byteLength(request.body) } : {}) }, agent }, (response) => {
          response.resume();
          response.on("end", resolve);
        });
        outgoing.on("error", reject);
        outgoing.end(request.body);
      }),
  };
}
