import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";

const gate = path.resolve(import.meta.dirname, "../.ci/npm-audit.mjs");
const advisory = "https://github.com/advisories/GHSA-0000-test-0000";

function report(severity: string) {
  return {
    auditReportVersion: 2,
    vulnerabilities: { "synthetic-package": { name: "synthetic-package", severity, via: [{ source: 1, name: "synthetic-package", title: "Synthetic advisory", url: advisory, severity, range: "<1.0.1" }] } },
  };
}

// VUL-1: the CI dependency audit fails on high findings unless they are allowed with a reason, and fails closed when
// no audit could be had.
describe("CI dependency audit gate (.ci/npm-audit.mjs)", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "mamori-audit-gate-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function runGate(reportJson: unknown, allowList: unknown = { advisories: [] }, extra: string[] = []): Promise<{ code: number; stdout: string }> {
    const reportFile = path.join(dir, `report-${Math.random()}.json`);
    const allowFile = path.join(dir, `allow-${Math.random()}.json`);
    await writeFile(reportFile, JSON.stringify(reportJson));
    await writeFile(allowFile, JSON.stringify(allowList));
    const result = await promisify(execFile)(process.execPath, [gate, "--report", reportFile, "--allow-list", allowFile, ...extra]).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
    return result;
  }

  it("fails on a high advisory that is not allowed", async () => {
    const result = await runGate(report("high"));
    assert.equal(result.code, 1);
    assert.match(result.stdout, /BLOCKING: high synthetic-package/);
  });

  it("passes a high advisory listed with a justification, and ignores moderate ones", async () => {
    assert.equal((await runGate(report("critical"), { advisories: [{ id: advisory, package: "synthetic-package", justification: "code path not used", reviewedAt: "2026-11-25" }] })).code, 0);
    assert.equal((await runGate(report("moderate"))).code, 0);
  });

  it("refuses an allow-list entry without a justification", async () => {
    assert.equal((await runGate(report("high"), { advisories: [{ id: advisory, package: "synthetic-package", justification: " " }] })).code, 2);
  });

  it("fails closed when the registry's audit service cannot be used, and records no result", async () => {
    const recorded = path.join(dir, "unaudited.json");
    const result = await runGate({ message: "405 Method Not Allowed", statusCode: 405 }, undefined, ["--record", recorded]);
    assert.equal(result.code, 3);
    assert.match(result.stdout, /NOT audited/);
    await assert.rejects(access(recorded));
  });

  it("records the dated result with the lock file's hash when the audit ran", async () => {
    const lockFile = path.join(dir, "package-lock.json");
    await writeFile(lockFile, '{"lockfileVersion":3}');
    const recorded = path.join(dir, "audited.json");
    const result = await runGate(report("high"), undefined, ["--record", recorded, "--lock-file", lockFile]);
    assert.equal(result.code, 1);
    const written = JSON.parse(await readFile(recorded, "utf8"));
    assert.equal(written.format, "mamori-dependency-audit");
    assert.equal(written.lockfileSha256, createHash("sha256").update('{"lockfileVersion":3}').digest("hex"));
    assert.deepEqual(written.refused, [advisory]);
    assert.ok(Math.abs(Date.parse(written.auditedAt) - Date.now()) < 60_000);
  });
});
