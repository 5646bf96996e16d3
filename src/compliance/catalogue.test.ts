import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { loadCatalogue } from "./catalogue.js";
import { allChecks } from "./checks/index.js";

// Every control of the guideline summary (shared guidelines.md), in its order.
const guidelineControls = [
  "AUTH-1", "AUTH-2", "AUTH-3", "AUTH-4", "AUTH-5", "AUTH-6", "AUTH-7", "SES-1", "SES-2", "ACC-1", "ACC-2", "ACC-3", "ACC-4",
  "LOG-1", "LOG-2", "LOG-3", "LOG-4", "LOG-5", "ENC-1", "ENC-2", "ENC-3", "TRU-1", "TRU-2", "TRU-3", "BAK-1", "BAK-2",
  "VUL-1", "VUL-2", "NET-1", "NET-2", "UPL-1", "INC-1", "INC-2", "ORG-1", "ORG-2", "PROV-1", "PROV-2", "PROV-3", "PHR-1",
  "PHR-2", "JIS-1",
];

describe("control catalogue", () => {
  it("lists every guideline control once, in order", async () => {
    const catalogue = await loadCatalogue();
    assert.deepEqual(catalogue.map((control) => control.id), guidelineControls);
  });

  it("has every implemented check named by some control, and each check id once", async () => {
    const named = new Set((await loadCatalogue()).flatMap((control) => control.checks));
    for (const check of allChecks) assert.ok(named.has(check.id), `${check.id} is not named by any control`);
    assert.equal(new Set(allChecks.map((check) => check.id)).size, allChecks.length);
  });

  it("refuses an operational control without attestation and an unknown field", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "mamori-catalogue-"));
    const original = await readFile(new URL("./catalogue.yaml", import.meta.url), "utf8");
    const at = original.indexOf("id: VUL-2");
    const withoutAttestation = original.slice(0, at) + original.slice(at).replace("    attestation: true\n", "");
    await writeFile(path.join(dir, "a.yaml"), withoutAttestation);
    await assert.rejects(loadCatalogue(path.join(dir, "a.yaml")), /operational and organisational controls need attestation/);
    await writeFile(path.join(dir, "b.yaml"), original.replace("kind: organisational", "kind: organisational\n    owner: nobody"));
    await assert.rejects(loadCatalogue(path.join(dir, "b.yaml")), /Unrecognized key/);
  });
});
