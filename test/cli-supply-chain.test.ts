import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { eolReport, readSbomSummary } from "../src/supply-chain/index.js";
import { runMamoriCli } from "../src/testing/mamori-cli.js";

const mamori = runMamoriCli;

// VUL-1: the operator's commands for the SBOM and the end-of-life table.
describe("mamori sbom and mamori eol", () => {
  let dataDir: string;
  let env: Record<string, string>;
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "mamori-cli-supply-"));
    env = { MAMORI_DATA_DIR: dataDir };
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it("writes the SBOM to the given file and prints its SHA-256", async () => {
    const file = path.join(dataDir, "out.cdx.json");
    const result = await mamori(["sbom", "--output", file], env);
    assert.equal(result.code, 0);
    const summary = await readSbomSummary(file);
    assert.ok(result.stdout.includes(`sha256 ${summary.sha256}`), result.stdout);
    assert.ok(result.stdout.includes(`${summary.componentCount} components`), result.stdout);
  });

  it("prints this runtime's end-of-life status, and --strict exits 1 exactly when something is past its end", async () => {
    const strict = await mamori(["eol", "--strict"], env);
    const nodeLine = strict.stdout.split("\n").find((line) => line.startsWith("Node.js"));
    const expected = eolReport(new Date(), [{ component: "Node.js", version: process.versions.node }])[0];
    assert.ok(nodeLine?.includes(process.versions.node), strict.stdout);
    assert.ok(nodeLine?.includes(expected?.status.toUpperCase() ?? "?"), strict.stdout);
    const anyEnded = /\bEOL\b/.test(strict.stdout);
    assert.equal(strict.code, anyEnded ? 1 : 0);
    assert.equal((await mamori(["eol"], env)).code, 0);
  });
});
