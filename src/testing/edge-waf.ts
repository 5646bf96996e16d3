import { spawn, execFile, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "./free-port.js";

const run = promisify(execFile);
const edgeFolder = path.resolve(import.meta.dirname, "../../deploy/edge");
const nginxBinary = "/usr/sbin/nginx";
const modsecurityModule = "/usr/lib/nginx/modules/ngx_http_modsecurity_module.so";
const crsRules = "/usr/share/modsecurity-crs/rules";
/** Debian's `nobody`: nginx started by root runs as this user, so the tests exercise an unprivileged edge. */
const unprivilegedId = 65534;

/** Why the edge cannot run on this machine, or undefined when nginx, the ModSecurity module and the CRS are installed. */
export function edgeSkipReason(): string | undefined {
  const missing = [nginxBinary, modsecurityModule, crsRules].filter((file) => !existsSync(file));
  return missing.length === 0 ? undefined : `nginx with ModSecurity and the CRS is not installed (missing ${missing.join(", ")}); apt-get install -y nginx libnginx-mod-http-modsecurity modsecurity-crs`;
}

export interface Edge {
  /** https://127.0.0.1:<port> of the edge. */
  baseUrl: string;
  /** The edge's self-signed certificate, for the client to trust. */
  cert: string;
  /** Everything nginx and ModSecurity wrote to the error log so far (rule ids of matches and blocks). */
  errorLog(): Promise<string>;

  stop(): Promise<void>;
}

export interface EdgeOptions {
  /** host:port of Mamori (always TLS). */
  upstream: string;
  /** PEM of the CA that signed Mamori's certificate, and the name it is issued to. */
  upstreamCa: string;
  upstreamTlsName: string;
  /** CRS paranoia level (1–4); deploy/edge/crs-setup.conf ships 1. */
  paranoia?: 1 | 2 | 3 | 4;
  workers?: number;
  /**
   * Log every rule match (rule id, variable and matched fragment) to the error log, not only the blocking
   * decision: nginx's `info` level instead of the template's `warn`. For finding which rule refused which case;
   * never in production, where the fragments would be PHI.
   */
  ruleLog?: boolean;
}

/**
 * Runs nginx with ModSecurity and the CRS in the foreground, configured from deploy/edge under a temporary prefix
 * (its own config, certificate, logs, pid and body buffers), on a free loopback port. Run by root it drops to
 * `nobody`; `stop` kills the process and removes the prefix.
 */
export async function startEdge(options: EdgeOptions): Promise<Edge> {
  const prefix = await mkdtemp(path.join(os.tmpdir(), "mamori-edge-"));
  const modsecurityDir = path.join(prefix, "modsecurity");
  const runtimeDir = path.join(prefix, "runtime");
  await mkdir(modsecurityDir);
  await mkdir(runtimeDir);
  for (const file of (await readdir(edgeFolder)).filter((name) => name.endsWith(".conf"))) await copyFile(path.join(edgeFolder, file), path.join(modsecurityDir, file));
  if (options.paranoia && options.paranoia !== 1) {
    const setup = path.join(modsecurityDir, "crs-setup.conf");
    const text = await readFile(setup, "utf8");
    const changed = text.replace("setvar:tx.paranoia_level=1\"", `setvar:tx.paranoia_level=${options.paranoia}"`);
    if (changed === text) throw new Error("crs-setup.conf no longer sets tx.paranoia_level=1");
    await writeFile(setup, changed);
  }
  const cert = path.join(prefix, "edge.crt");
  const key = path.join(prefix, "edge.key");
  await run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert]);
  const upstreamCa = path.join(prefix, "upstream-ca.pem");
  await writeFile(upstreamCa, options.upstreamCa);
  const [port, httpPort] = [await freePort(), await freePort()];
  const errorLog = path.join(prefix, "error.log");
  const values: Record<string, string> = {
    MAMORI_EDGE_LISTEN: `127.0.0.1:${port}`,
    MAMORI_EDGE_HTTP_LISTEN: `127.0.0.1:${httpPort}`,
    MAMORI_EDGE_SERVER_NAME: "localhost",
    MAMORI_EDGE_CERT: cert,
    MAMORI_EDGE_KEY: key,
    MAMORI_UPSTREAM: options.upstream,
    MAMORI_UPSTREAM_CA: upstreamCa,
    MAMORI_UPSTREAM_TLS_NAME: options.upstreamTlsName,
    MAMORI_EDGE_MODSECURITY: path.join(modsecurityDir, "modsecurity.conf"),
    MAMORI_EDGE_RUNTIME_DIR: runtimeDir,
    MAMORI_EDGE_WORKERS: String(options.workers ?? 1),
    MAMORI_EDGE_ACCESS_LOG: "off",
    MAMORI_EDGE_ERROR_LOG: errorLog,
  };
  const configFile = path.join(prefix, "nginx.conf");
  const rendered = renderTemplate(await readFile(path.join(edgeFolder, "nginx.conf.template"), "utf8"), values);
  await writeFile(configFile, options.ruleLog ? rendered.replace(`error_log ${errorLog} warn;`, `error_log ${errorLog} info;`) : rendered);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await chownTree(prefix);
  const child = spawn(nginxBinary, ["-p", prefix, "-c", configFile, "-e", errorLog, "-g", `daemon off; pid ${path.join(prefix, "nginx.pid")};`], {
    stdio: ["ignore", "ignore", "pipe"],
    ...(asRoot ? { uid: unprivilegedId, gid: unprivilegedId } : {}),
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const baseUrl = `https://127.0.0.1:${port}`;
  try {
    await waitUntilListening(child, port, () => stderr, errorLog);
  } catch (error) {
    await rm(prefix, { recursive: true, force: true });
    throw error;
  }
  return {
    baseUrl,
    cert: await readFile(cert, "utf8"),
    errorLog: () => readFile(errorLog, "utf8").catch(() => ""),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      await rm(prefix, { recursive: true, force: true });
    },
  };
}

/** Replaces each ${NAME} the template uses; a name without a value is an error, so nothing is left unrendered. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{(MAMORI_[A-Z_]+)\}/g, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for ${name} in the edge template`);
    return value;
  });
}

async function chownTree(folder: string): Promise<void> {
  await chown(folder, unprivilegedId, unprivilegedId);
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) await chownTree(full);
    else await chown(full, unprivilegedId, unprivilegedId);
  }
}

async function waitUntilListening(child: ChildProcess, port: number, stderr: () => string, errorLog: string): Promise<void> {
  const net = await import("node:net");
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = await readFile(errorLog, "utf8").catch(() => "");
      throw new Error(`nginx exited: ${stderr()}${log.slice(-2000)}`);
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`nginx did not listen on ${port}: ${stderr()}`);
}

export interface EdgeAnswer {
  status: number;
  /** Refused by ModSecurity at the edge (its 403 carries X-Mamori-Edge), not by Mamori behind it. */
  blockedAtEdge: boolean;
  /** Refused by the edge in any way: blocked, or a body or request it could not read (400). */
  refusedAtEdge: boolean;
}

/** An HTTPS client for replaying requests through the edge: keep-alive, trusting only the edge's own certificate. */
export function edgeClient(edge: Edge, maxSockets = 8): { send(request: { method: string; path: string; headers: Record<string, string>; body?: string | Buffer | undefined }): Promise<EdgeAnswer>; close(): void } {
  const agent = new https.Agent({ ca: edge.cert, servername: "localhost", keepAlive: true, maxSockets });
  const url = new URL(edge.baseUrl);
  return {
    send(request) {
      return new Promise((resolve, reject) => {
        const headers: Record<string, string | number> = { ...request.headers };
        // The name a browser would send (a bare IP address in Host scores as a scanner's request, rule 920350).
        if (!Object.keys(headers).some((name) => name.toLowerCase() === "host")) headers["Host"] = "localhost";
        if (request.body !== undefined) headers["Content-Length"] = Buffer.byteLength(request.body);
        const outgoing = https.request({ host: url.hostname, port: url.port, method: request.method, path: request.path, headers, agent }, (response) => {
          response.resume();
          response.on("end", () => resolve({ status: response.statusCode ?? 0, blockedAtEdge: response.statusCode === 403 && response.headers["x-mamori-edge"] === "blocked", refusedAtEdge: response.headers["x-mamori-edge"] !== undefined }));
          response.on("error", reject);
        });
        outgoing.on("error", reject);
        outgoing.end(request.body);
      });
    },
    close: () => agent.destroy(),
  };
}

export interface EdgeUpstream {
  /** host:port for `startEdge`. */
  address: string;
  cert: string;
  /** Requests that reached the upstream, with the forwarding headers the edge set. */
  received: Array<{ method: string; url: string; forwardedFor: string | undefined; forwardedProto: string | undefined }>;
  close(): Promise<void>;
}

/**
 * A minimal HTTPS upstream that answers 204 to everything and notes what reached it: for replaying thousands of
 * requests through the edge quickly, where only the edge's decision is measured.
 */
export async function startEdgeUpstream(): Promise<EdgeUpstream> {
  const folder = await mkdtemp(path.join(os.tmpdir(), "mamori-edge-upstream-"));
  const [certFile, keyFile] = [path.join(folder, "cert.pem"), path.join(folder, "key.pem")];
  await run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", keyFile, "-out", certFile]);
  const [cert, key] = [await readFile(certFile, "utf8"), await readFile(keyFile, "utf8")];
  await rm(folder, { recursive: true, force: true });
  const received: EdgeUpstream["received"] = [];
  const server = https.createServer({ cert, key, keepAlive: true }, (request, response) => {
    const header = (name: string) => [request.headers[name] ?? []].flat()[0];
    received.push({ method: request.method ?? "", url: request.url ?? "", forwardedFor: header("x-forwarded-for"), forwardedProto: header("x-forwarded-proto") });
    request.resume();
    request.on("end", () => response.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    cert,
    received,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
