import assert from "node:assert/strict";
import { access, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { projectRoot } from "../supply-chain/index.js";
import { loadCatalogue, type Control } from "./catalogue.js";
import { allChecks } from "./checks/index.js";

const implemented = new Set(allChecks.map((check) => check.id));
const exists = (relative: string) =>
  access(path.join(projectRoot, relative)).then(
    () => true,
    () => false,
  );

/** A control the catalogue marks built: it names checks and every one of them has its check file. */
const isBuilt = (control: Control) => control.checks.length > 0 && control.checks.every((id) => implemented.has(id));

/**
 * Each threat row's id and the text after its **Open** mark (rows with nothing open are left out). The controls an
 * open item waits for are the parenthesised ids before its area: "**Open**: no clock-skew check (LOG-3) — compliance".
 */
function openThreats(markdown: string): Array<{ threat: string; open: string }> {
  return markdown
    .split("\n")
    .filter((line) => line.startsWith("| ") && line.includes("**Open**"))
    .map((line) => ({ threat: line.split("|")[1]!.trim(), open: line.slice(line.indexOf("**Open**")) }));
}

/** The control ids of the parenthesis that closes an open item, just before its "— area". */
function waitsFor(open: string): string[] {
  const beforeArea = open.slice(0, open.lastIndexOf("—")).trimEnd();
  if (!beforeArea.endsWith(")")) return [];
  const ids = beforeArea.slice(beforeArea.lastIndexOf("(") + 1, -1).split(", ");
  return ids.every((id) => /^[A-Z]+-\d+$/.test(id)) ? ids : [];
}

// The evidence the report and the 開示書 point to must exist, and the JIS T 81001-5-1 threat model must not call a
// threat open whose control is built (or the disclosure and its evidence contradict each other).
describe("control catalogue evidence", () => {
  it("names only modules and documents that exist", async () => {
    const missing: string[] = [];
    for (const control of await loadCatalogue()) {
      for (const file of [control.meetsBy.module, control.meetsBy.doc]) if (!(await exists(file))) missing.push(`${control.id}: ${file}`);
    }
    assert.deepEqual(missing, []);
  });

  it("names only checks that exist", async () => {
    const missing = (await loadCatalogue()).flatMap((control) => control.checks.filter((id) => !implemented.has(id)).map((id) => `${control.id}: ${id}`));
    assert.deepEqual(missing, []);
  });

  it("has docs/threat-model.md call no threat open whose control the catalogue marks built", async () => {
    const catalogue = await loadCatalogue();
    const threatModel = await readFile(path.join(projectRoot, "docs", "threat-model.md"), "utf8");
    const contradictions = openThreats(threatModel).flatMap(({ threat, open }) =>
      waitsFor(open)
        .map((id) => catalogue.find((control) => control.id === id))
        .filter((control): control is Control => control !== undefined && isBuilt(control))
        .map((control) => `${threat} is open but ${control.id} is built (${control.checks.join(", ")})`),
    );
    assert.deepEqual(contradictions, []);
  });

  it("reads threat rows the way the threat model writes them", () => {
    const rows = openThreats("| R4 | Audit entries with wrong times | **Open**: no clock-skew check (LOG-3) — compliance checks |\n| R5 | Done | Control |");
    assert.deepEqual(rows, [{ threat: "R4", open: "**Open**: no clock-skew check (LOG-3) — compliance checks |" }]);
    assert.deepEqual(waitsFor(rows[0]!.open), ["LOG-3"]);
    assert.deepEqual(waitsFor("**Open**: no backups, restore or drills (BAK-1, BAK-2) — backup |"), ["BAK-1", "BAK-2"]);
    assert.deepEqual(waitsFor("**Open**: empty lists restrict nobody (the compliance report shows NET-1 not met) — deployment |"), []);
  });
});
