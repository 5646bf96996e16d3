import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createManualClock } from "../kernel/index.js";
import { createSbomSource, generateSbom, readSbomSummary } from "./sbom.js";

describe("SBOM (VUL-1 evidence)", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "mamori-sbom-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("describes the installed runtime dependencies in CycloneDX JSON, without dev dependencies", async () => {
    const file = path.join(dir, "sbom.cdx.json");
    const summary = await generateSbom(file);
    const bytes = await readFile(file);
    const document = JSON.parse(bytes.toString("utf8")) as { bomFormat: string; metadata: { component: { name: string } }; components: { name: string; group?: string }[] };
    assert.equal(document.bomFormat, "CycloneDX");
    assert.equal(document.metadata.component.name, "mamori");
    const names = new Set(document.components.map((component) => (component.group ? `${component.group}/${component.name}` : component.name)));
    for (const runtime of ["fastify", "kysely", "pg", "argon2"]) assert.ok(names.has(runtime), `${runtime} is listed`);
    for (const development of ["vite", "typescript", "playwright-core"]) assert.ok(!names.has(development), `${development} is a dev dependency and not listed`);
    assert.equal(summary.sha256, createHash("sha256").update(bytes).digest("hex"));
    assert.ok(summary.componentCount >= document.components.length);
    assert.match(summary.specVersion, /^1\.\d+$/);
    assert.equal(summary.path, file);
  });

  it("regenerates a cached SBOM once it is older than the maximum age, and reuses it before", async () => {
    const file = path.join(dir, "cached.cdx.json");
    const first = await generateSbom(file);
    const clock = createManualClock(new Date(first.generatedAt.getTime() + 60_000));
    const source = createSbomSource({ sbomPath: file, maxAgeMs: 3_600_000, clock });
    const fresh = await source.current();
    assert.equal(fresh.sha256, first.sha256);
    assert.equal(fresh.ageMs, 60_000);
    clock.advance(2 * 3_600_000);
    const regenerated = await source.current();
    assert.ok(regenerated.generatedAt.getTime() > first.generatedAt.getTime());
  });

  it("refuses a file that is not a CycloneDX document", async () => {
    const file = path.join(dir, "not-an-sbom.json");
    await writeFile(file, JSON.stringify({ hello: "world" }));
    await assert.rejects(readSbomSummary(file), /not a CycloneDX JSON document/);
  });
});
