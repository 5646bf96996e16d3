import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Mounts a small tmpfs at `at`, read-only; undefined when this process may not mount (not root, or no mount). */
async function readOnlyMount(at: string): Promise<(() => Promise<void>) | undefined> {
  try {
    await run("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", at]);
  } catch {
    return undefined;
  }
  await mkdir(path.join(at, "data"));
  await run("mount", ["-o", "remount,ro", at]);
  return async () => {
    await run("umount", [at]);
  };
}

// Operations: a data folder the embedded database cannot write is named at start, instead of PGlite's
// "failed to initialize properly".
describe("a read-only data folder", () => {
  it("stops with a message naming the folder and the reason", { timeout: 120_000 }, async (context) => {
    const base = await mkdtemp(path.join(os.tmpdir(), "mamori-readonly-"));
    const unmount = await readOnlyMount(base);
    if (!unmount) {
      await rm(base, { recursive: true, force: true });
      context.skip("needs root to mount a read-only tmpfs");
      return;
    }
    try {
      const dataDir = path.join(base, "data");
      const result = await run(process.execPath, ["--import", "tsx", "src/cli/mamori.ts", "audit", "verify"], {
        env: { ...process.env, DATABASE_URL: "", MAMORI_DATA_DIR: dataDir },
        timeout: 100_000,
      }).then(
        () => ({ code: 0, stderr: "" }),
        (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
      );
      assert.equal(result.code, 1);
      assert.ok(result.stderr.includes(`the data folder ${dataDir} is not writable (EROFS)`), result.stderr);
    } finally {
      await unmount();
      await rm(base, { recursive: true, force: true });
    }
  });
});
