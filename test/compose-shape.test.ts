import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import https from "node:https";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import pg from "pg";
import { createScratchPostgres } from "../src/testing/test-database.js";
import { freePort } from "../src/testing/free-port.js";

const run = promisify(execFile);

/** The client's own address, apart from the proxy's 127.0.0.1, so the node can tell the two apart. */
const clientAddress = "127.0.0.2";
/** What a client writes in X-Forwarded-For to pass for someone else. */
const spoofedAddress = "203.0.113.9";
const metricsToken = "m".repeat(40);

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
}

function request(url: string, options: https.RequestOptions = {}, body?: string): Promise<Answer> {
  const client = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const sent = client.request(url, { rejectUnauthorized: false, localAddress: clientAddress, ...options }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
    });
    sent.on("error", reject);
    sent.end(body);
  });
}

async function waitUntilReady(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; ) {
    if (child.exitCode !== null) throw new Error(`node exited with ${child.exitCode}:\n${output()}`);
    const status = await request(`https://127.0.0.1:${port}/health/ready`, { localAddress: "127.0.0.1" }).then(
      (answer) => answer.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`node on ${port} not ready:\n${output()}`);
}

/** deploy/compose/nginx.conf with the compose names and container paths replaced by this machine's. */
async function proxyConfig(dir: string, ports: { https: number; http: number; nodes: [number, number] }): Promise<string> {
  return (await readFile("deploy/compose/nginx.conf", "utf8"))
    .replace("mamori-1:8443", `127.0.0.1:${ports.nodes[0]}`)
    .replace("mamori-2:8443", `127.0.0.1:${ports.nodes[1]}`)
    .replace("listen 8443 ssl http2;", `listen 127.0.0.1:${ports.https} ssl http2;`)
    .replace("listen 8080;", `listen 127.0.0.1:${ports.http};`)
    .replaceAll(/^\s*listen \[::\]:\d+[^;]*;$/gm, "")
    .replaceAll("/tmp/", `${dir}/`)
    .replaceAll("/etc/nginx/tls/", `${dir}/`)
    .replaceAll("/dev/stderr", `${dir}/error.log`)
    .replaceAll("/dev/stdout", `${dir}/access.log`);
}

// Operations: the compose shape without a container engine. Two `mamori start` processes with the compose nodes'
// settings (one PostgreSQL database, one master key file, one checkpoint folder, trusted proxy = the proxy's address)
// behind nginx running deploy/compose/nginx.conf.
describe("two nodes behind the compose proxy", () => {
  it("serves through the proxy from both nodes, records the real client address, hides metrics and stops cleanly", { timeout: 240_000 }, async (context) => {
    const nginx = await run("sh", ["-c", "command -v nginx || ls /usr/sbin/nginx"]).then(
      ({ stdout }) => stdout.trim(),
      () => undefined,
    );
    const database = await createScratchPostgres(process.env);
    if (!database || !nginx) {
      await database?.drop();
      context.skip(database ? "nginx is not installed (.ci/run installs it)" : "needs PostgreSQL (DATABASE_URL): two nodes share one database");
      return;
    }
    const base = await mkdtemp(path.join(os.tmpdir(), "mamori-compose-"));
    const children: ChildProcess[] = [];
    let proxy: ChildProcess | undefined;
    try {
      await chmod(base, 0o755);
      for (const folder of ["node-1", "node-2", "keys", "checkpoints", "proxy"]) await mkdir(path.join(base, folder), { mode: 0o700 });
      await chmod(path.join(base, "proxy"), 0o755);
      const ports = { https: await freePort(), http: await freePort(), nodes: [await freePort(), await freePort()] as [number, number] };
      const output: string[] = ["", ""];

      const startNode = async (index: 0 | 1) => {
        const child = spawn(process.execPath, ["--import", "./src/cli/resolve-typescript.ts", "src/cli/mamori.ts", "start"], {
          env: {
            PATH: process.env["PATH"],
            DATABASE_URL: database.url,
            MAMORI_DATA_DIR: path.join(base, `node-${index + 1}`),
            MAMORI_MASTER_KEY_FILE: path.join(base, "keys", "master.key"),
            MAMORI_AUDIT_CHECKPOINT_DIR: path.join(base, "checkpoints"),
            MAMORI_PUBLIC_URL: `https://localhost:${ports.https}`,
            MAMORI_TRUSTED_PROXIES: "127.0.0.1",
            MAMORI_SHUTDOWN_DELAY_SECONDS: "1",
            MAMORI_METRICS_TOKEN: metricsToken,
            MAMORI_AUDIT_CHECKPOINT_ENTRIES: "1",
            MAMORI_HOST: "127.0.0.1",
            MAMORI_PORT: String(ports.nodes[index]),
            MAMORI_LOG_LEVEL: "warn",
          },
          stdio: ["ignore", "pipe", "pipe"],
        });
        children.push(child);
        child.stdout.on("data", (chunk: Buffer) => (output[index] += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (output[index] += chunk.toString()));
        await waitUntilReady(ports.nodes[index], child, () => output[index]!);
        return child;
      };
      // As in compose: the second node starts once the first is up, so both use the key file the first created.
      const first = await startNode(0);
      const second = await startNode(1);

      const proxyDir = path.join(base, "proxy");
      await run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout", path.join(proxyDir, "key.pem"), "-out", path.join(proxyDir, "cert.pem")]);
      await writeFile(path.join(proxyDir, "nginx.conf"), await proxyConfig(proxyDir, ports));
      const nginxProcess = spawn(nginx, ["-p", proxyDir, "-c", path.join(proxyDir, "nginx.conf"), "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
      proxy = nginxProcess;
      let proxyErrors = "";
      nginxProcess.stderr.on("data", (chunk: Buffer) => (proxyErrors += chunk.toString()));
      const proxyUrl = `https://127.0.0.1:${ports.https}`;
      let isProxyUp = false;
      for (const deadline = Date.now() + 10_000; !isProxyUp && Date.now() < deadline; ) {
        isProxyUp = await request(`${proxyUrl}/health/live`).then(() => true, () => false);
        if (!isProxyUp) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const errorLog = () => readFile(path.join(proxyDir, "error.log"), "utf8").catch(() => "");
      assert.ok(isProxyUp, `nginx did not answer: ${proxyErrors} ${await errorLog()}`);

      for (let n = 0; n < 6; n += 1) assert.equal((await request(`${proxyUrl}/health/ready`)).status, 200, proxyErrors);
      const upstreams = new Set((await readFile(path.join(proxyDir, "access.log"), "utf8")).split("\n").filter(Boolean).map((line) => line.split(" ").at(-1)));
      assert.deepEqual([...upstreams].sort(), ports.nodes.map((port) => `127.0.0.1:${port}`).sort(), "the proxy spreads requests over both nodes");

      const signIn = await request(`${proxyUrl}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json", origin: `https://localhost:${ports.https}`, "x-forwarded-for": spoofedAddress } }, JSON.stringify({ email: "nobody@example.test", password: "not-the-password-of-anyone" }));
      assert.equal(signIn.status, 401);
      const redirect = await request(`http://127.0.0.1:${ports.http}/fhir/R4/metadata?name=x`);
      assert.equal(redirect.status, 301);
      assert.equal(redirect.headers.location, `https://127.0.0.1/fhir/R4/metadata?name=x`);
      assert.equal((await request(`${proxyUrl}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).status, 404, "metrics are not served through the proxy");
      assert.equal((await request(`https://127.0.0.1:${ports.nodes[0]}/metrics`, { localAddress: "127.0.0.1", headers: { authorization: `Bearer ${metricsToken}` } })).status, 200, "each node is scraped directly");
      const accessLog = await readFile(path.join(proxyDir, "access.log"), "utf8");
      assert.ok(accessLog.includes("GET /fhir/R4/metadata HTTP/1.1"), accessLog);
      assert.ok(!accessLog.includes("name=x"), "no query string in the proxy's access log");

      for (const child of [first, second]) child.kill("SIGTERM");
      const codes = await Promise.all([first, second].map((child) => (child.exitCode !== null ? child.exitCode : new Promise<number | null>((resolve) => child.once("exit", resolve)))));
      assert.deepEqual(codes, [0, 0], output.join("\n"));

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ ip: string }>("select distinct entry->'network'->>'ip' as ip from audit_entry where entry->>'action' like 'auth.%'");
        assert.deepEqual(rows.map((row) => row.ip), [clientAddress], "the audit trail names the client, neither the proxy nor the address the client claimed");
      } finally {
        await client.end();
      }
      assert.ok((await readdir(path.join(base, "checkpoints"))).length > 0, "checkpoints exported to the shared folder");
      assert.deepEqual(await readdir(path.join(base, "keys")), ["master.key"], "one master key for both nodes");
    } finally {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      // SIGTERM, not SIGKILL: nginx's master then stops its workers, which would otherwise outlive it.
      if (proxy && proxy.exitCode === null && proxy.signalCode === null) {
        const stopped = new Promise((resolve) => proxy!.once("exit", resolve));
        proxy.kill("SIGTERM");
        await stopped;
      }
      await database.drop();
      await rm(base, { recursive: true, force: true });
    }
  });
});
