/**
 * Writes the small corpus sample test/waf.test.ts runs without ../shared: 40 CRS attack stages spread over the
 * attack families (each one that the PL1 inspection blocks by a signature, not only by the media-type rule) and
 * 20 official FHIR R4 examples of different resource types.
 * Run: npx tsx bench/waf-sample.ts
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { contentTypePolicy } from "../src/http/plugins/waf.js";
import { createInspector } from "../src/waf/index.js";
import { loadCrsCases } from "./waf-corpus.js";

const corpora = [path.resolve(import.meta.dirname, "../../shared/corpora"), path.resolve(import.meta.dirname, "../../../shared/corpora")].find((candidate) => existsSync(candidate))!;
const out = path.resolve(import.meta.dirname, "../test/fixtures/waf");
const perFamily: Record<string, number> = { sqli: 8, xss: 7, lfi: 5, rfi: 4, rce: 6, php: 3, java: 3, "protocol-attack": 2, generic: 3 };

const inspector = createInspector({ paranoia: 1, contentTypes: contentTypePolicy });
const { cases } = await loadCrsCases(path.join(corpora, "crs-regression"));
const picked = [];
for (const [family, count] of Object.entries(perFamily)) {
  const candidates = cases.filter((c) => c.family === family && c.kind === "attack");
  const seenRules = new Set<string>();
  for (const testCase of candidates) {
    if (picked.filter((p) => p.family === family).length >= count) break;
    if (seenRules.has(testCase.ruleId)) continue;
    const lower = Object.fromEntries(Object.entries(testCase.headers).map(([name, value]) => [name.toLowerCase(), value]));
    const head = { method: testCase.method, url: testCase.uri, headers: lower, rawHeaders: Object.entries(testCase.headers).flat() };
    const matches = [...inspector.inspectHead(head), ...(testCase.body !== undefined && /form-urlencoded/i.test(lower["content-type"] ?? "") ? inspector.inspectFormBody(testCase.body) : [])];
    if (!matches.some((match) => match.family === family) || matches.some((match) => match.ruleId === 920100)) continue;
    seenRules.add(testCase.ruleId);
    picked.push(testCase);
  }
}
await mkdir(path.join(out, "fhir-r4"), { recursive: true });
await writeFile(path.join(out, "crs-attacks.json"), `${JSON.stringify(picked, null, 1)}\n`);
await copyFile(path.join(corpora, "crs-regression/LICENSE"), path.join(out, "CRS-LICENSE"));

const examples = (await readdir(path.join(corpora, "fhir-r4/examples"))).filter((name) => name.endsWith(".json")).sort();
const byType = new Map<string, string>();
for (const file of examples) {
  const text = await readFile(path.join(corpora, "fhir-r4/examples", file), "utf8");
  if (text.length > 60_000) continue;
  const type = (JSON.parse(text) as { resourceType: string }).resourceType;
  if (!byType.has(type) && /narrative|div/.test(text)) byType.set(type, file);
}
const chosen = ["Patient", "Observation", "Condition", "MedicationRequest", "AllergyIntolerance", "DiagnosticReport", "Procedure", "Encounter", "Immunization", "Consent", "CarePlan", "Practitioner", "Organization", "Bundle", "Questionnaire", "QuestionnaireResponse", "DocumentReference", "ServiceRequest", "Specimen", "AuditEvent", "Endpoint", "Composition"]
  .map((type) => byType.get(type)).filter((file): file is string => file !== undefined).slice(0, 20);
for (const file of chosen) await copyFile(path.join(corpora, "fhir-r4/examples", file), path.join(out, "fhir-r4", file));
console.log(`${picked.length} attack stages, ${chosen.length} FHIR examples written to ${out}`);
