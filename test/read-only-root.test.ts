import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { chown, cp, mkdir, mkdtemp, readdir, rm, stat, symlink } from "node:fs/promises";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { freePort } from "../src/testing/free-port.js";

const run = promisify(execFile);

/** The image's user (Dockerfile: useradd --uid 10001). */
const imageUser = 10001;

/** The writable mounts of a container run of the image with deploy/compose.yaml: volumes and the /tmp tmpfs. */
const writableFolders = ["data", "keys", "checkpoints", "tmp"] as const;

/**
 * Whether this process may make a mount namespace whose root is read-only (root with unshare and setpriv).
 */
async function canIsolateMounts(): Promise<boolean> {
  return run("unshare", ["--mount", "--propagation", "private", "--", "sh", "-c", "mount -o remount,bind,ro / && command -v setpriv"]).then(
    () => true,
    () => false,
  );
}

/**
 * Whether the image's user can read this checkout and run its Node.js: a checkout under a folder only root may
 * enter cannot be, and then the service runs as root inside the read-only namespace (which stops root's writes too).
 */
async function imageUserCanRun(): Promise<boolean> {
  const probe = ["--reuid", String(imageUser), "--regid", String(imageUser), "--clear-groups", "--", process.execPath, "-e", `require("node:fs").accessSync(${JSON.stringify(path.resolve("src", "cli", "resolve-typescript.ts"))}, 4)`];
  return run("setpriv", probe).then(
    () => true,
    () => false,
  );
}

/**
 * The image's /app in `to`: what the Dockerfile's runtime stage copies, with tests and the test harness removed as
 * its build stage does. node_modules is this checkout's (test/deployment-files.test.ts checks the service imports no
 * dev dependency, which the image's npm prune would remove).
 */
async function copyAppAsImage(to: string): Promise<void> {
  for (const entry of ["package.json", "package-lock.json", ".oxlintrc.json", ".ci/run", "src", "shared", "dist/web", "deploy/container/health-live.mjs"]) {
    await cp(entry, path.join(to, entry), { recursive: true });
  }
  for (const folder of ["src", "shared"]) {
    for (const file of await readdir(path.join(to, folder), { recursive: true })) if (file.endsWith(".test.ts")) await rm(path.join(to, folder, file));
  }
  await rm(path.join(to, "src", "testing"), { recursive: true });
  await symlink(path.resolve("node_modules"), path.join(to, "node_modules"));
}

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    https.get(url, { rejectUnauthorized: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on("error", reject);
  });
}

/** A failed sign-in: audited, so the audit writer, the checkpoint signer and the password hasher all run. */
function failSignIn(port: number): Promise<number> {
  const body = JSON.stringify({ email: "nobody@example.test", password: "not-the-password-of-anyone" });
  return new Promise((resolve, reject) => {
    const request = https.request(
      `https://127.0.0.1:${port}/api/auth/login`,
      { method: "POST", rejectUnauthorized: false, headers: { "content-type": "application/json", origin: `https://localhost:${port}` } },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** Runs the container's HEALTHCHECK command against a port; its exit code. */
function healthCheck(port: number): Promise<number> {
  return run(process.execPath, ["deploy/container/health-live.mjs"], { env: { PATH: process.env["PATH"], MAMORI_PORT: String(port) } }).then(
    () => 0,
    (error: { code: number }) => error.code,
  );
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true });
  return entries.map((entry) => entry.split(path.sep).join("/")).sort();
}

// Operations: the container image runs with a read-only root filesystem as a non-root user, writing only to its
// volumes and /tmp (Dockerfile, deploy/compose.yaml). Here without a container engine: `mamori start`, as the
// image's CMD runs it from a copy of the image's /app, in a mount namespace where everything is read-only except the
// folders compose mounts.
describe("mamori start on a read-only root filesystem", () => {
  it("starts as a non-root user, serves, passes the image's health check and stops cleanly, writing only to its volumes", { timeout: 150_000 }, async (context) => {
    if (process.getuid?.() !== 0 || !(await canIsolateMounts())) {
      context.skip("needs root, unshare and setpriv for a read-only mount namespace");
      return;
    }
    const runAs = (await imageUserCanRun()) ? imageUser : 0;
    if (runAs === 0) context.diagnostic(`uid ${imageUser} cannot read this checkout's node_modules: the service runs as root in the read-only namespace`);
    const base = await mkdtemp(path.join(os.tmpdir(), "mamori-read-only-root-"));
    try {
      await chown(base, 0, 0);
      await run("chmod", ["755", base]);
      for (const folder of writableFolders) {
        await mkdir(path.join(base, folder), { mode: folder === "tmp" ? 0o1777 : 0o700 });
        await chown(path.join(base, folder), runAs, runAs);
      }
      const at = (folder: string) => path.join(base, folder);
      await copyAppAsImage(at("app"));
      const port = await freePort();
      // Each writable folder is bind-mounted onto itself first, so it stays writable when / becomes read-only.
      const isolate = [...writableFolders.map((folder) => `mount --bind "${at(folder)}" "${at(folder)}"`), "mount -o remount,bind,ro /", `exec setpriv --reuid ${runAs} --regid ${runAs} --clear-groups -- "$0" --import ./src/cli/resolve-typescript.ts src/cli/mamori.ts start`].join(" && ");
      const child = spawn("unshare", ["--mount", "--propagation", "private", "--", "sh", "-c", isolate, process.execPath], {
        cwd: at("app"),
        env: {
          PATH: process.env["PATH"],
          HOME: "/nonexistent",
          TMPDIR: at("tmp"),
          DATABASE_URL: "",
          MAMORI_DATA_DIR: at("data"),
          MAMORI_MASTER_KEY_FILE: path.join(at("keys"), "master.key"),
          MAMORI_AUDIT_CHECKPOINT_DIR: at("checkpoints"),
          MAMORI_HOST: "127.0.0.1",
          MAMORI_PORT: String(port),
          MAMORI_LOG_LEVEL: "warn",
          MAMORI_AUDIT_CHECKPOINT_ENTRIES: "1",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      try {
        assert.equal(await healthCheck(port), 1, "the health check fails while nothing listens");
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no setup link printed:\n${output}`)), 120_000);
          child.stdout.on("data", () => {
            if (output.includes("setup#token=")) {
              clearTimeout(timer);
              resolve();
            }
          });
          void exited.then((code) => {
            clearTimeout(timer);
            reject(new Error(`exited with ${code}:\n${output}`));
          });
        });
        assert.equal(await get(`https://127.0.0.1:${port}/health/ready`), 200);
        assert.equal(await get(`https://127.0.0.1:${port}/fhir/R4/metadata`), 200);
        assert.equal(await get(`https://127.0.0.1:${port}/`), 200, "the web UI built into dist/web");
        assert.equal(await healthCheck(port), 0);
        assert.equal(await failSignIn(port), 401);
      } finally {
        child.kill("SIGTERM");
      }
      assert.equal(await exited, 0, output);
      assert.ok(!output.includes("EROFS"), output);
      assert.ok(!output.includes("EACCES"), output);

      assert.equal((await stat(path.join(at("keys"), "master.key"))).mode & 0o777, 0o600);
      assert.equal((await stat(path.join(at("keys"), "master.key"))).uid, runAs);
      const data = await filesUnder(at("data"));
      for (const expected of ["tls/key.pem", "tls/cert.pem", "pglite"]) assert.ok(data.includes(expected), `${expected} in ${data.slice(0, 20).join(", ")}`);
      // Nothing is left in /tmp (Node's compile cache would live beside the dependencies, read-only here: skipped).
      assert.deepEqual(await readdir(at("tmp")), []);
      const checkpoints = await filesUnder(at("checkpoints"));
      assert.ok(checkpoints.length > 0, "the last checkpoint, signed at shutdown, is exported to the checkpoint folder");
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});
