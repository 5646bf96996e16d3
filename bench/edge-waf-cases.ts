import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

/** One request to send through the edge, with where it came from (never its payload) for reports. */
export interface EdgeCase {
  corpus: string;
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const run = promisify(execFile);
const fhirJson = { "Content-Type": "application/fhir+json", Accept: "application/fhir+json" };

/** ../shared/corpora from the project root; a worktree one level deeper finds it one folder further up. */
export const corporaRoot = [path.resolve(import.meta.dirname, "../../shared/corpora"), path.resolve(import.meta.dirname, "../../../shared/corpora"), "/work/shared/corpora"].find((candidate) => existsSync(candidate));

/** FHIR resources as a client sends them: POST to the type, PUT to the instance when the example has an id. */
export function resourceCases(corpus: string, label: string, resource: { resourceType?: unknown; id?: unknown }, text: string): EdgeCase[] {
  const type = String(resource.resourceType);
  const cases: EdgeCase[] = [{ corpus, label, method: "POST", path: `/fhir/R4/${type}`, headers: fhirJson, body: text }];
  if (typeof resource.id === "string") cases.push({ corpus, label: `${label} (PUT)`, method: "PUT", path: `/fhir/R4/${type}/${encodeURIComponent(resource.id)}`, headers: fhirJson, body: text });
  return cases;
}

/** The official FHIR R4 examples (../shared/corpora/fhir-r4/examples): every file, POST and PUT. */
export async function fhirExampleCases(folder: string): Promise<EdgeCase[]> {
  const cases: EdgeCase[] = [];
  for (const file of (await readdir(folder)).filter((name) => name.endsWith(".json")).sort()) {
    const text = await readFile(path.join(folder, file), "utf8");
    cases.push(...resourceCases("fhir-r4", file, JSON.parse(text) as { resourceType?: unknown }, text));
  }
  return cases;
}

/** The example instances of the JP Core and JP-CLINS packages (npm-style .tgz), unpacked to a temporary folder. */
export async function jpPackageCases(tgzFiles: string[]): Promise<EdgeCase[]> {
  const cases: EdgeCase[] = [];
  for (const tgz of tgzFiles) {
    const folder = await mkdtemp(path.join(os.tmpdir(), "mamori-jp-"));
    try {
      await run("tar", ["xzf", tgz, "-C", folder]);
      const packageFolder = path.join(folder, "package");
      const files = await listJson(packageFolder);
      for (const file of files) {
        const text = await readFile(file, "utf8");
        const resource = JSON.parse(text) as { resourceType?: unknown };
        // Conformance resources (profiles, value sets…) are not what clients send; the examples are.
        if (typeof resource.resourceType !== "string" || conformanceTypes.has(resource.resourceType)) continue;
        cases.push(...resourceCases(path.basename(tgz).replace(/\.tgz$/, ""), path.relative(packageFolder, file), resource, text));
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }
  return cases;
}

const conformanceTypes = new Set(["StructureDefinition", "ValueSet", "CodeSystem", "NamingSystem", "SearchParameter", "ImplementationGuide", "CapabilityStatement", "ConceptMap", "OperationDefinition", "StructureMap", "CompartmentDefinition", "GraphDefinition", "MessageDefinition"]);

async function listJson(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await listJson(full)));
    else if (entry.name.endsWith(".json") && entry.name !== "package.json" && !entry.name.startsWith(".")) found.push(full);
  }
  return found.sort();
}

/**
 * Each synthetic clinical note (test/fixtures/clinical-notes) where clinicians write it: an Observation's
 * valueString and note, a Condition's note, a DocumentReference's narrative and attachment, a Composition section,
 * a JSON Patch adding a note, and the full-text search parameters; plus a Patient with a Japanese name.
 */
export function clinicalNoteCases(notes: string[]): EdgeCase[] {
  const cases: EdgeCase[] = [];
  notes.forEach((note, index) => {
    const label = `note ${index + 1}`;
    const subject = { reference: "Patient/pat-0001", display: "山田 太郎" };
    const div = `<div xmlns="http://www.w3.org/1999/xhtml"><p>${escapeXml(note)}</p></div>`;
    const observation = {
      resourceType: "Observation",
      id: `obs-${index + 1}`,
      status: "final",
      code: { coding: [{ system: "http://loinc.org", code: "8410-0", display: "Clinical note" }], text: "経過記録" },
      subject,
      effectiveDateTime: "2024-04-12T09:30:00+09:00",
      valueString: note,
      note: [{ text: note, time: "2024-04-12T09:35:00+09:00" }],
    };
    const condition = { resourceType: "Condition", id: `cond-${index + 1}`, subject, code: { text: note.slice(0, 40) }, note: [{ text: note }] };
    const documentReference = {
      resourceType: "DocumentReference",
      id: `doc-${index + 1}`,
      status: "current",
      text: { status: "generated", div },
      subject,
      description: note.slice(0, 60),
      content: [{ attachment: { contentType: "text/plain; charset=utf-8", language: "ja", data: Buffer.from(note, "utf8").toString("base64"), title: "経過記録.txt" } }],
    };
    const composition = {
      resourceType: "Composition",
      id: `comp-${index + 1}`,
      status: "final",
      type: { coding: [{ system: "http://loinc.org", code: "11506-3", display: "Progress note" }] },
      subject,
      date: "2024-04-12",
      author: [{ reference: "Practitioner/prac-0001", display: "佐藤 花子" }],
      title: "経過記録",
      section: [{ title: "所見", text: { status: "generated", div } }],
    };
    for (const resource of [observation, condition, documentReference, composition]) cases.push(...resourceCases("clinical-notes", `${label} ${resource.resourceType}`, resource, JSON.stringify(resource)));
    cases.push({
      corpus: "clinical-notes",
      label: `${label} PATCH`,
      method: "PATCH",
      path: `/fhir/R4/Observation/obs-${index + 1}`,
      headers: { "Content-Type": "application/json-patch+json" },
      body: JSON.stringify([
        { op: "test", path: "/status", value: "final" },
        { op: "add", path: "/note/-", value: { text: note } },
        { op: "replace", path: "/valueString", value: note },
      ]),
    });
    for (const parameter of ["_content", "_text"]) cases.push({ corpus: "clinical-notes", label: `${label} ?${parameter}`, method: "GET", path: `/fhir/R4/DocumentReference?${parameter}=${encodeURIComponent(note)}`, headers: { Accept: "application/fhir+json" } });
  });
  return cases;
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** FHIR search URLs clinicians' clients send, with the syntax that looks odd to signatures (|, :, _has, _include). */
export const fhirSearchCases: EdgeCase[] = [
  "/fhir/R4/Observation?patient=Patient/pat-0001&_include=Observation:patient",
  "/fhir/R4/Observation?subject=Patient/pat-0001&_include=Observation:performer&_revinclude=Provenance:target",
  "/fhir/R4/Observation?code=http://loinc.org|8480-6&date=ge2024-01-01&date=lt2024-02-01&_sort=-date&_count=50",
  "/fhir/R4/Observation?code=http://loinc.org|1234-5,http://loinc.org|8462-4&value-quantity=gt5.5|http://unitsofmeasure.org|mmol/L",
  "/fhir/R4/Patient?_has:Observation:patient:code=http://loinc.org|1234-5",
  "/fhir/R4/Patient?_has:Condition:subject:code=http://hl7.org/fhir/sid/icd-10|E11&_elements=id,name,birthDate",
  `/fhir/R4/Patient?name=${encodeURIComponent("山田")}&birthdate=1980-01-01`,
  `/fhir/R4/Patient?family=${encodeURIComponent("ヤマダ")}&given=${encodeURIComponent("タロウ")}`,
  `/fhir/R4/Patient?family:exact=${encodeURIComponent("O'Brien")}&gender=male`,
  "/fhir/R4/Patient?identifier=urn:oid:1.2.392.100495.20.3.51.11311234567|00000012345",
  "/fhir/R4/Encounter?patient=Patient/pat-0001&status:not=cancelled&date=ge2024-04-01T00:00:00%2B09:00",
  "/fhir/R4/Condition?patient=pat-0001&clinical-status=http://terminology.hl7.org/CodeSystem/condition-clinical|active",
  "/fhir/R4/MedicationRequest?patient=pat-0001&_include=MedicationRequest:medication&_include:iterate=Medication:manufacturer",
  "/fhir/R4/DocumentReference?patient=pat-0001&type=http://loinc.org|11506-3&_summary=true",
  "/fhir/R4/AuditEvent?patient=Patient/pat-0001&action=fhir.read&date=ge2024-04-01&_sort=-date",
  "/fhir/R4/Observation?patient=pat-0001&code:below=http://loinc.org|LP7839-6&_lastUpdated=gt2024-04-01",
  "/fhir/R4/Patient/pat-0001/$everything?_since=2024-01-01T00:00:00Z",
  "/fhir/R4/Observation?_filter=" + encodeURIComponent("code eq http://loinc.org|8480-6 and value-quantity gt 140"),
  "/fhir/R4/Patient?_id=pat-0001,pat-0002&_revinclude=Observation:subject&_count=10",
  "/fhir/R4/Observation?combo-code-value-quantity=http://loinc.org|8480-6$gt140",
].map((url) => ({ corpus: "fhir-search", label: url.split("?")[0]!, method: "GET", path: url, headers: { Accept: "application/fhir+json" } }));

/** Sends the cases through `send` with a few requests in flight at a time (keep-alive connections). */
export async function replayThroughEdge<Case extends { method: string; path: string; headers: Record<string, string>; body?: string }>(
  cases: Case[],
  send: (request: { method: string; path: string; headers: Record<string, string>; body?: string }) => Promise<{ blockedAtEdge: boolean }>,
  concurrency = 8,
): Promise<{ blocked: Case[]; passed: Case[]; unsendable: Case[] }> {
  const blocked: Case[] = [];
  const passed: Case[] = [];
  const unsendable: Case[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < cases.length) {
      const testCase = cases[next++]!;
      try {
        const answer = await send(testCase);
        (answer.blockedAtEdge ? blocked : passed).push(testCase);
      } catch {
        unsendable.push(testCase);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { blocked, passed, unsendable };
}

/**
 * Paranoia level of each rule of the installed CRS, read from its rule files: `id:NNN` and the `paranoia-level/N`
 * tag of the same rule (rules without the tag, e.g. initialisation, are left out). Lets the replay say which corpus
 * cases test a rule the installed CRS runs at a given level, since the corpus (CRS 4) tests rules 3.3 lacks.
 */
export async function crsRuleLevels(rulesFolder: string): Promise<Map<string, number>> {
  const levels = new Map<string, number>();
  for (const file of (await readdir(rulesFolder)).filter((name) => name.endsWith(".conf")).sort()) {
    const text = await readFile(path.join(rulesFolder, file), "utf8");
    // One rule's actions run from its id to the next SecRule/SecAction; the tag sits in between.
    for (const chunk of text.split(/\n(?=Sec(?:Rule|Action)\b)/)) {
      const id = /\bid:(\d{6})\b/.exec(chunk)?.[1];
      const level = /tag:'paranoia-level\/(\d)'/.exec(chunk)?.[1];
      if (id && level) levels.set(id, Number(level));
    }
  }
  return levels;
}
