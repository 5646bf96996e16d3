import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, open, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { buildPatient, startTestApp } from "../src/testing/index.js";

const run = promisify(execFile);
const pgliteOnly = process.env["DATABASE_URL"] ? "fills the embedded database's own disk" : false;

/** Mounts a tmpfs of `megabytes` at `at`; undefined when this process may not mount (not root, or no mount). */
async function smallDisk(at: string, megabytes: number): Promise<(() => Promise<void>) | undefined> {
  try {
    await run("mount", ["-t", "tmpfs", "-o", `size=${megabytes}m`, "tmpfs", at]);
  } catch {
    return undefined;
  }
  return async () => {
    await run("umount", ["-l", at]);
  };
}

/** Writes zeros into `file` until the disk refuses (ENOSPC); returns the bytes written. */
async function fillDisk(file: string): Promise<number> {
  const handle = await open(file, "w");
  const chunk = Buffer.alloc(256 * 1024);
  let written = 0;
  try {
    for (;;) {
      const { bytesWritten } = await handle.write(chunk);
      written += bytesWritten;
      if (bytesWritten < chunk.length) return written;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
    return written;
  } finally {
    await handle.close();
  }
}

// Operations: the embedded database's disk fills up. Writes are refused (503), nothing acknowledged is lost, the node
// stays live, and once space is freed it takes writes again without a restart.
describe("a full disk under the embedded database", () => {
  it("refuses writes while the disk is full and takes them again once space is freed", { skip: pgliteOnly, timeout: 180_000 }, async (t) => {
    const base = await mkdtemp(path.join(os.tmpdir(), "mamori-disk-full-"));
    const unmount = await smallDisk(base, 96);
    if (!unmount) {
      await rm(base, { recursive: true, force: true });
      t.skip("needs root to mount a small tmpfs");
      return;
    }
    const dataDir = path.join(base, "data");
    await mkdir(dataDir);
    const app = await startTestApp({ dataDir, env: { MAMORI_RATE_LIMIT_ACCOUNT: "off", MAMORI_RATE_LIMIT_IP: "off", MAMORI_IDS_MASS_READ_PATIENTS: "100000" } });
    try {
      const doctor = await app.signedInUser("doctor");
      const before = await doctor.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: "D-before" }));
      assert.equal(before.status, 201, before.text);
      const filler = path.join(base, "filler");
      const filled = await fillDisk(filler);
      const statuses = new Map<number, number>();
      const acknowledged = [before.json.id as string];
      for (let n = 0; n < 30; n += 1) {
        const answer = await doctor.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: `D-full-${n}` }));
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status === 201) acknowledged.push(answer.json.id as string);
      }
      assert.equal((await app.client().get("/health/live")).status, 200);
      t.diagnostic(`disk filled with ${(filled / 1024 / 1024).toFixed(0)} MB; answers while full ${JSON.stringify(Object.fromEntries(statuses))}`);
      await rm(filler);
      let after = await doctor.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: "D-after" }));
      for (const deadline = Date.now() + 30_000; after.status !== 201 && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        after = await doctor.client.post("/fhir/R4/Patient", buildPatient({ patientNumber: "D-after" }));
      }
      assert.equal(after.status, 201, after.text);
      acknowledged.push(after.json.id as string);
      for (const id of acknowledged) assert.equal((await doctor.client.get(`/fhir/R4/Patient/${id}`)).status, 200, `acknowledged Patient/${id} lost`);
      const unexpected = [...statuses.keys()].filter((status) => status !== 201 && status !== 503);
      assert.deepEqual(unexpected, [], `answers while full: ${JSON.stringify([...statuses])}`);
      const verified = await app.mamori.audit.verify();
      assert.ok(verified.intact, JSON.stringify(verified.firstBroken));
    } finally {
      await app.close().catch(() => undefined);
      await unmount();
      await rm(base, { recursive: true, force: true });
    }
  });
});
