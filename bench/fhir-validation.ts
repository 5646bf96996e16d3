/**
 * Cost of FHIR R4 validation: loading (JSON schema compile and StructureDefinition index, once per process, with
 * the heap they keep) and validating each official example of the stored types — those beside the project in
 * ../shared/corpora/fhir-r4/examples when present, else the sample in test/fixtures/fhir-r4 — after one warm-up pass.
 * Run: npx tsx bench/fhir-validation.ts
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { isValidatedType, validateResource } from "../src/fhir/validation/index.js";
import { createSchemaChecker } from "../src/fhir/validation/schema-check.js";
import { createStructureChecker } from "../src/fhir/validation/structure-check.js";

const heapBefore = process.memoryUsage().heapUsed;
let started = performance.now();
const schema = createSchemaChecker();
const schemaMs = performance.now() - started;
started = performance.now();
const structure = createStructureChecker();
const structureMs = performance.now() - started;
globalThis.gc?.();
console.log(`load: JSON schema ${schemaMs.toFixed(0)} ms, StructureDefinitions ${structureMs.toFixed(0)} ms, heap +${((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(0)} MB`);

const directory = [path.resolve(import.meta.dirname, "../../shared/corpora/fhir-r4/examples"), path.resolve(import.meta.dirname, "../../../shared/corpora/fhir-r4/examples"), path.resolve(import.meta.dirname, "../test/fixtures/fhir-r4")].find((candidate) => existsSync(candidate))!;
const resources = readdirSync(directory)
  .filter((name) => name.endsWith(".json"))
  .map((name) => JSON.parse(readFileSync(path.join(directory, name), "utf8")) as { resourceType: string })
  .filter((resource) => isValidatedType(resource.resourceType));

function measure(label: string, check: (resource: { resourceType: string }) => unknown): void {
  for (let warmUp = 0; warmUp < 2; warmUp++) for (const resource of resources) check(resource);
  const micros: number[] = [];
  for (const resource of resources) {
    const begun = performance.now();
    check(resource);
    micros.push((performance.now() - begun) * 1000);
  }
  micros.sort((a, b) => a - b);
  const at = (fraction: number) => micros[Math.min(micros.length - 1, Math.floor(micros.length * fraction))]!.toFixed(0);
  const mean = micros.reduce((sum, value) => sum + value, 0) / micros.length;
  console.log(`${label}: median ${at(0.5)} µs, p95 ${at(0.95)} µs, max ${at(1)} µs, mean ${mean.toFixed(0)} µs`);
}

console.log(`${resources.length} resources from ${path.relative(process.cwd(), directory)}`);
measure("validateResource", (resource) => validateResource(resource.resourceType, resource));
measure("  JSON schema alone", (resource) => schema.check(resource.resourceType as never, resource));
measure("  StructureDefinitions alone", (resource) => structure.check(resource));
