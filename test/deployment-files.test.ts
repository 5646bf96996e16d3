import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { parse } from "yaml";
import { environmentSchema, loadConfig } from "../src/config/index.js";
import { freePort } from "../src/testing/free-port.js";

const run = promisify(execFile);

// Deployment files (Dockerfile, deploy/compose.yaml, deploy/compose/nginx.conf) checked without a container engine:
// what can be read from the files themselves. test/read-only-root.test.ts runs the service as the image does.

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions per stage, continuation lines joined and comments dropped. */
async function dockerfileStages(): Promise<Instruction[][]> {
  const text = await readFile("Dockerfile", "utf8");
  const logical = text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join("\n")
    .replaceAll("\\\n", " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const stages: Instruction[][] = [[]];
  for (const line of logical) {
    const space = line.indexOf(" ");
    const instruction = { keyword: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
    if (instruction.keyword === "FROM") stages.push([]);
    stages.at(-1)!.push(instruction);
  }
  return stages;
}

function argsOf(stage: Instruction[], keyword: string): string[] {
  return stage.filter((instruction) => instruction.keyword === keyword).map((instruction) => instruction.args);
}

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  read_only?: boolean;
  user?: string;
  tmpfs?: string[];
  volumes?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  networks?: Record<string, { ipv4_address?: string } | null>;
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  networks: Record<string, { internal?: boolean; ipam?: { config: { subnet: string }[] } } | null>;
  volumes: Record<string, unknown>;
}

async function composeFile(): Promise<ComposeFile> {
  // Docker Compose reads YAML merge keys (`<<: *mamori-node`); the yaml package does with `merge`.
  return parse(await readFile("deploy/compose.yaml", "utf8"), { merge: true }) as ComposeFile;
}

/** Compose's variable interpolation (`${NAME}`, `${NAME:-default}`, `${NAME:?message}`, `$$`) from `variables`. */
function interpolate(value: string, variables: Record<string, string>): string {
  return value.replaceAll(/\$\$|\$\{[^}]*\}/g, (whole) => {
    if (whole === "$$") return "$";
    const inside = whole.slice(2, -1);
    const operatorAt = inside.search(/:?[-?]/);
    const name = operatorAt === -1 ? inside : inside.slice(0, operatorAt);
    const operator = operatorAt === -1 ? undefined : inside.slice(operatorAt).replace(/^:/, "")[0];
    const word = operatorAt === -1 ? "" : inside.slice(operatorAt).replace(/^:?[-?]/, "");
    const set = variables[name];
    if (set !== undefined && set !== "") return set;
    if (operator === "?") throw new Error(`${name} is required: ${word}`);
    return operator === "-" ? word : "";
  });
}

/** Whether `text` is exactly one compose variable, `${NAME}` or `${NAME:?message}`: a value kept out of the file. */
function isOneVariable(text: string): boolean {
  if (!text.startsWith("${") || !text.endsWith("}") || text.slice(2, -1).includes("}")) return false;
  const [name, ...rest] = text.slice(2, -1).split(":?");
  return /^[A-Z_]+$/.test(name!) && rest.length <= 1;
}

/** What deploy/compose/generate-secrets.sh writes to deploy/.env, with synthetic values of the same form. */
const syntheticDotEnv = {
  PUBLIC_URL: "https://karte.example-hospital.test",
  POSTGRES_PASSWORD: "a".repeat(64),
  REDIS_PASSWORD: "b".repeat(64),
  METRICS_TOKEN: "c".repeat(64),
};

function mamoriServices(compose: ComposeFile): [string, ComposeService][] {
  return Object.entries(compose.services).filter(([, service]) => service.build?.dockerfile === "Dockerfile");
}

/** The volume or tmpfs mount point a container path lies on, if any. */
function mountHolding(service: ComposeService, file: string): string | undefined {
  const mountPoints = [...(service.volumes ?? []).map((volume) => volume.split(":")[1]!), ...(service.tmpfs ?? []).map((tmpfs) => tmpfs.split(":")[0]!)];
  return mountPoints.find((mountPoint) => file === mountPoint || file.startsWith(`${mountPoint}/`));
}

describe("Dockerfile", () => {
  it("runs the service as a non-root user with a fixed numeric id", async () => {
    const stages = await dockerfileStages();
    const runtime = stages.at(-1)!;
    const users = argsOf(runtime, "USER");
    assert.equal(users.length, 1, "one USER in the runtime stage");
    const name = users[0]!.split(":")[0]!;
    assert.notEqual(name, "root");
    assert.notEqual(name, "0");
    const created = argsOf(runtime, "RUN").join(" ").match(/useradd [^&]*--uid (\d+)[^&]* (\w+)\s*(?:&&|$)/);
    assert.ok(created, "the runtime stage creates its user");
    assert.equal(created[2], name);
    assert.ok(Number(created[1]) >= 1000, `uid ${created[1]}`);
  });

  it("builds on the official Node.js image of the release that package.json pins, for both stages", async () => {
    const stages = await dockerfileStages();
    const image = stages[0]!.find((instruction) => instruction.keyword === "ARG" && instruction.args.startsWith("NODE_IMAGE="))?.args.slice("NODE_IMAGE=".length);
    assert.ok(image, "ARG NODE_IMAGE before the first stage");
    const tag = image.match(/^node:(\d+)\.(\d+)\.(\d+)-[a-z]+-slim$/);
    assert.ok(tag, `${image} is an official node image pinned to a release`);
    const packageJson = JSON.parse(await readFile("package.json", "utf8")) as { engines: { node: string } };
    assert.equal(tag[1], packageJson.engines.node.match(/^>=(\d+)$/)?.[1], "Node.js major of the image and of engines");
    const lock = JSON.parse(await readFile("package-lock.json", "utf8")) as { packages: Record<string, { version: string }> };
    assert.equal(`${tag[1]}.${tag[2]}.${tag[3]}`, lock.packages["node_modules/node"]?.version, "the image runs the Node.js release CI tests on");
    const froms = stages.slice(1).map((stage) => stage[0]!.args);
    assert.deepEqual(froms, ["${NODE_IMAGE} AS build", "${NODE_IMAGE} AS runtime"]);
  });

  it("installs with npm ci in the build stage and ships the production files only", async () => {
    const [, build, runtime] = await dockerfileStages();
    const buildRuns = argsOf(build!, "RUN").join("\n");
    assert.match(buildRuns, /^npm ci\b/m);
    assert.match(buildRuns, /npm prune --omit=dev/);
    assert.ok(buildRuns.includes("find src shared -name '*.test.ts' -delete && rm -rf src/testing"), "tests and the test harness are removed before the runtime stage copies src");
    assert.ok(!argsOf(runtime!, "RUN").some((command) => /\bnpm\b/.test(command)), "no npm in the runtime stage");
    const copies = argsOf(runtime!, "COPY");
    for (const copy of copies) {
      assert.ok(copy.startsWith("--from=build ") || copy === "deploy/container/health-live.mjs ./deploy/container/health-live.mjs", copy);
      assert.ok(!/\b(test|bench|web|docs)\b/.test(copy.replaceAll("dist/web", "")), `${copy} ships development files`);
    }
    assert.ok(copies.includes("--from=build /app/node_modules ./node_modules"));
    assert.ok(copies.includes("--from=build /app/dist/web ./dist/web"), "the web UI built by npm ci");
    assert.deepEqual(argsOf(runtime!, "CMD"), ['["node", "--import", "./src/cli/resolve-typescript.ts", "src/cli/mamori.ts", "start"]']);
  });

  it("ships every package the service imports: none of them is only a dev dependency", async () => {
    const packageJson = JSON.parse(await readFile("package.json", "utf8")) as { dependencies: Record<string, string> };
    const files = [...(await readdir("src", { recursive: true })).map((file) => path.join("src", file)), ...(await readdir("shared", { recursive: true })).map((file) => path.join("shared", file))].filter(
      (file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && !file.startsWith(path.join("src", "testing")),
    );
    const imported = new Set<string>();
    for (const file of files) {
      const text = await readFile(file, "utf8");
      const specifiers = [
        ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^".][^"]*)"/gm),
        ...text.matchAll(/\bimport\("([^".][^"]*)"\)/g),
        ...text.matchAll(/\b(?:require|resolve)\("([^".][^"]*)"\)/g),
      ].map((match) => match[1]!);
      for (const specifier of specifiers.filter((name) => !name.startsWith("node:"))) {
        const parts = specifier.split("/");
        imported.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!);
      }
    }
    assert.ok(imported.size > 20, [...imported].join(", "));
    for (const name of imported) assert.ok(packageJson.dependencies[name], `${name} is imported by the service but npm prune --omit=dev removes it`);
  });

  it("checks liveness with GET /health/live", async () => {
    const [, , runtime] = await dockerfileStages();
    const [healthcheck] = argsOf(runtime!, "HEALTHCHECK");
    assert.ok(healthcheck?.endsWith('CMD ["node", "deploy/container/health-live.mjs"]'), String(healthcheck));
    assert.match(await readFile("deploy/container/health-live.mjs", "utf8"), /path: "\/health\/live"/);
  });

  it("keeps secrets, local data and installed modules out of the build context", async () => {
    const ignored = (await readFile(".dockerignore", "utf8")).split("\n").map((line) => line.trim());
    for (const pattern of ["**/.env", "**/*.key", "**/*.pem", "**/node_modules", "data", "**/secrets"]) assert.ok(ignored.includes(pattern), pattern);
    const [, build] = await dockerfileStages();
    const sources = argsOf(build!, "COPY").flatMap((copy) => copy.split(/\s+/).slice(0, -1));
    for (const source of sources) assert.ok(!ignored.includes(source), `${source} is copied but ignored`);
  });
});

describe("deploy/compose.yaml", () => {
  it("runs two Mamori nodes of this repository's image, a proxy, PostgreSQL and Redis", async () => {
    const compose = await composeFile();
    assert.deepEqual(Object.keys(compose.services).sort(), ["mamori-1", "mamori-2", "postgres", "proxy", "redis"]);
    const nodes = mamoriServices(compose);
    assert.deepEqual(nodes.map(([name]) => name), ["mamori-1", "mamori-2"]);
    for (const [, node] of nodes) assert.equal(node.build?.context, "..");
  });

  it("gives every node a read-only root filesystem, a non-root user, a /tmp tmpfs and no published port", async () => {
    for (const [name, node] of mamoriServices(await composeFile())) {
      assert.equal(node.read_only, true, name);
      assert.ok(node.user && !["0", "root"].includes(node.user.split(":")[0]!), `${name} user ${node.user}`);
      assert.ok(node.tmpfs?.some((tmpfs) => tmpfs.startsWith("/tmp:")), name);
      assert.equal(node.ports, undefined, `${name} is reached through the proxy only`);
    }
  });

  it("sets only settings that src/config defines, and src/config accepts them", async () => {
    const known = new Set(Object.keys(environmentSchema.shape));
    for (const [name, node] of mamoriServices(await composeFile())) {
      const environment = Object.fromEntries(Object.entries(node.environment ?? {}).map(([key, value]) => [key, interpolate(String(value), syntheticDotEnv)]));
      for (const key of Object.keys(environment)) assert.ok(known.has(key), `${name} sets ${key}, which src/config does not define`);
      const config = loadConfig(environment);
      assert.equal(config.databaseUrl, `postgres://mamori:${syntheticDotEnv.POSTGRES_PASSWORD}@postgres:5432/mamori`);
      assert.equal(String(config.publicUrl), new URL(syntheticDotEnv.PUBLIC_URL).href);
    }
  });

  it("puts every file a node writes on a volume, with one master key and one checkpoint folder for both nodes", async () => {
    const nodes = mamoriServices(await composeFile());
    const sharedVolumes = nodes.map(([name, node]) => {
      const environment = Object.fromEntries(Object.entries(node.environment ?? {}).map(([key, value]) => [key, interpolate(String(value), syntheticDotEnv)]));
      const config = loadConfig(environment);
      const written = {
        dataDir: config.dataDir,
        tls: path.join(config.dataDir, "tls"),
        masterKeyFile: config.masterKeyFile,
        checkpoints: config.audit.checkpoints.exportDir!,
        backups: config.backup.dir,
        backupSigningKey: config.backup.signingKeyFile,
        mailPickup: config.mail.pickupDir,
        sbom: config.supplyChain.sbomFile,
      };
      for (const [what, file] of Object.entries(written)) assert.ok(mountHolding(node, file), `${name}: ${what} ${file} is on no volume`);
      const volumeAt = (mountPoint: string) => node.volumes!.find((volume) => volume.split(":")[1] === mountPoint)!.split(":")[0]!;
      return { data: volumeAt(mountHolding(node, config.dataDir)!), keys: volumeAt(mountHolding(node, config.masterKeyFile)!), checkpoints: volumeAt(mountHolding(node, written.checkpoints)!) };
    });
    const [first, second] = sharedVolumes;
    assert.notEqual(first!.data, second!.data, "each node has its own data folder");
    assert.equal(first!.keys, second!.keys, "both nodes read the same master key");
    assert.equal(first!.checkpoints, second!.checkpoints, "both nodes export checkpoints to one place");
    assert.notEqual(first!.keys, first!.data, "the master key is kept apart from the data folder");
  });

  it("holds no secret: passwords and tokens come from deploy/.env, which git ignores", async () => {
    const compose = await composeFile();
    let urlsWithPasswords = 0;
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        const text = String(value);
        if (/PASSWORD|SECRET|TOKEN/.test(key)) assert.ok(isOneVariable(text), `${name} ${key}`);
        const authority = text.includes("://") ? text.slice(text.indexOf("://") + 3) : "";
        const userinfo = authority.includes("@") ? authority.slice(0, authority.lastIndexOf("@")) : "";
        if (userinfo.includes(":")) {
          assert.ok(isOneVariable(userinfo.slice(userinfo.indexOf(":") + 1)), `${name} ${key}`);
          urlsWithPasswords += 1;
        }
      }
    }
    assert.equal(urlsWithPasswords, 4, "DATABASE_URL and REDIS_URL of both nodes");
    const text = await readFile("deploy/compose.yaml", "utf8");
    assert.ok(!/[A-Za-z0-9+/]{32,}/.test(text), "no long random-looking string");
    for (const file of ["deploy/.env", "deploy/compose/tls/key.pem"]) {
      await run("git", ["check-ignore", "--quiet", "--no-index", file]).catch(() => assert.fail(`${file} is not ignored by git`));
    }
  });

  it("gets every required variable from what generate-secrets.sh writes, which only its owner may read", { timeout: 30_000 }, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "mamori-compose-secrets-"));
    try {
      await mkdir(path.join(dir, "compose"));
      await copyFile("deploy/compose/generate-secrets.sh", path.join(dir, "compose", "generate-secrets.sh"));
      await run("sh", [path.join(dir, "compose", "generate-secrets.sh"), "https://karte.example-hospital.test"]);
      assert.equal((await stat(path.join(dir, ".env"))).mode & 0o777, 0o600);
      assert.equal((await stat(path.join(dir, "compose", "tls", "key.pem"))).mode & 0o777, 0o600);
      const dotEnv = Object.fromEntries((await readFile(path.join(dir, ".env"), "utf8")).trim().split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
      for (const key of ["POSTGRES_PASSWORD", "REDIS_PASSWORD", "METRICS_TOKEN"]) assert.match(dotEnv[key] ?? "", /^[0-9a-f]{64}$/, key);
      // Every ${NAME:?…} in the file resolves: compose would otherwise refuse to start.
      const text = await readFile("deploy/compose.yaml", "utf8");
      assert.doesNotThrow(() => interpolate(text, dotEnv));
      // A second run keeps the existing secrets instead of replacing them (the database already has its password).
      await run("sh", [path.join(dir, "compose", "generate-secrets.sh")]);
      assert.equal(await readFile(path.join(dir, ".env"), "utf8"), Object.entries(dotEnv).map(([key, value]) => `${key}=${value}\n`).join(""));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("starts Redis requiring the password from its environment, and its health check passes with it", { timeout: 30_000 }, async (context) => {
    const redis = (await composeFile()).services["redis"] as ComposeService & { entrypoint: string[]; healthcheck: { test: string[] } };
    const hasRedis = await run("sh", ["-c", "command -v redis-server && command -v redis-cli"]).then(
      () => true,
      () => false,
    );
    if (!hasRedis) {
      context.skip("redis-server is not installed");
      return;
    }
    const port = await freePort();
    const password = "p".repeat(64);
    const [shell, flag, script] = redis.entrypoint.map((part) => interpolate(part, {}));
    assert.deepEqual([shell, flag], ["sh", "-c"]);
    const server = spawn(shell!, [flag!, script!.replace("exec redis-server - ", `exec redis-server - --port ${port} --bind 127.0.0.1 `)], {
      env: { PATH: process.env["PATH"], REDIS_PASSWORD: password },
      stdio: "ignore",
      // Its own process group: redis-server runs as a child of the shell's pipeline and is stopped with it.
      detached: true,
    });
    try {
      const healthCheck = interpolate(redis.healthcheck.test[1]!, {}).replace("redis-cli ping", `redis-cli -p ${port} ping`);
      const isHealthy = () => run("sh", ["-c", healthCheck], { env: { PATH: process.env["PATH"], REDIS_PASSWORD: password } }).then(() => true, () => false);
      let healthy = false;
      for (const deadline = Date.now() + 10_000; !healthy && Date.now() < deadline; ) {
        healthy = await isHealthy();
        if (!healthy) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(healthy, "the compose health check passes");
      const withoutPassword = await run("redis-cli", ["-p", String(port), "ping"]);
      assert.match(withoutPassword.stdout, /NOAUTH/, "a client without the password is refused");
    } finally {
      process.kill(-server.pid!, "SIGKILL");
    }
  });

  it("passes docker-compose's own validation, which resolves to the same read-only nodes and settings", { timeout: 60_000 }, async (context) => {
    const dockerCompose = await run("sh", ["-c", "command -v docker-compose"]).then(
      ({ stdout }) => stdout.trim(),
      () => "",
    );
    if (!dockerCompose) {
      context.skip("docker-compose is not installed (.ci/run installs it)");
      return;
    }
    const dir = await mkdtemp(path.join(os.tmpdir(), "mamori-compose-config-"));
    try {
      await mkdir(path.join(dir, "compose"));
      // docker-compose 1.29 (Debian's) validates against the Compose specification of its time, before the top-level
      // `name`; Compose v2 reads it. Everything else is checked as written.
      const text = (await readFile("deploy/compose.yaml", "utf8")).replace(/^name: mamori\n/m, "");
      await writeFile(path.join(dir, "compose.yaml"), text);
      await copyFile("deploy/compose/nginx.conf", path.join(dir, "compose", "nginx.conf"));
      await writeFile(path.join(dir, ".env"), Object.entries(syntheticDotEnv).map(([key, value]) => `${key}=${value}\n`).join(""));
      const { stdout } = await run(dockerCompose, ["-f", path.join(dir, "compose.yaml"), "config"], { cwd: dir, env: { PATH: process.env["PATH"] } });
      const resolved = parse(stdout) as ComposeFile;
      const ours = await composeFile();
      for (const [name, node] of mamoriServices(ours)) {
        const theirs = resolved.services[name]!;
        assert.equal(theirs.read_only, true, name);
        assert.equal(theirs.user, node.user, name);
        const expected = Object.fromEntries(Object.entries(node.environment ?? {}).map(([key, value]) => [key, interpolate(String(value), syntheticDotEnv)]));
        assert.deepEqual(theirs.environment, expected, `${name}: docker-compose and this test read the same settings`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("trusts forwarded headers from the proxy's fixed address only, on internal networks", async () => {
    const compose = await composeFile();
    const proxy = compose.services["proxy"]!;
    const proxyAddress = proxy.networks?.["edge"]?.ipv4_address;
    assert.ok(proxyAddress);
    for (const [name, node] of mamoriServices(compose)) {
      assert.equal(node.environment?.["MAMORI_TRUSTED_PROXIES"], proxyAddress, name);
      for (const network of Object.keys(node.networks ?? {})) assert.equal(compose.networks[network]?.internal, true, `${name} on ${network}`);
    }
    assert.ok(compose.networks["edge"]?.ipam?.config[0]?.subnet.startsWith(proxyAddress.split(".").slice(0, 3).join(".")));
    const published = Object.entries(compose.services).filter(([, service]) => service.ports !== undefined).map(([name]) => name);
    assert.deepEqual(published, ["proxy"]);
  });
});

describe("docs/deployment.md", () => {
  it("names only settings that src/config defines", async () => {
    const known = Object.keys(environmentSchema.shape);
    const named = new Set((await readFile("docs/deployment.md", "utf8")).match(/MAMORI_[A-Z0-9_]+/g) ?? []);
    assert.ok(named.size > 30, `${named.size} settings named`);
    // `MAMORI_SIEM_*` stands for a family of settings.
    for (const name of named) assert.ok(name.endsWith("_") ? known.some((key) => key.startsWith(name)) : known.includes(name), name);
  });
});

describe("deploy/compose/nginx.conf", () => {
  it("offers TLS 1.2 and 1.3 only, sets X-Forwarded-For itself and logs no query string", async () => {
    const conf = await readFile("deploy/compose/nginx.conf", "utf8");
    assert.deepEqual(conf.match(/^\s*ssl_protocols ([^;]+);/m)?.[1]?.split(/\s+/), ["TLSv1.2", "TLSv1.3"]);
    assert.match(conf, /proxy_set_header X-Forwarded-For \$remote_addr;/);
    const logFormat = conf.match(/log_format mamori ([^;]+);/)?.[1];
    assert.ok(logFormat);
    for (const variable of ["$request ", "$request_uri", "$args", "$query_string"]) assert.ok(!`${logFormat} `.includes(variable), variable);
    assert.match(conf, /location = \/metrics \{\s*return 404;/);
  });

  it("passes nginx -t", { timeout: 30_000 }, async (context) => {
    const nginx = await run("sh", ["-c", "command -v nginx || ls /usr/sbin/nginx"]).then(
      ({ stdout }) => stdout.trim(),
      () => undefined,
    );
    if (!nginx) {
      context.skip("nginx is not installed (.ci/run installs it)");
      return;
    }
    const dir = await mkdtemp(path.join(os.tmpdir(), "mamori-nginx-"));
    try {
      // The upstream names exist only on the compose network; loopback stands in for them here.
      const conf = (await readFile("deploy/compose/nginx.conf", "utf8")).replaceAll(/\bmamori-[12]:8443\b/g, "127.0.0.1:8443").replaceAll("/etc/nginx/tls/", `${dir}/`)
        // Standard output and error are pipes here, which nginx cannot open by name as it does in a container.
        .replaceAll("/dev/stderr", `${dir}/error.log`)
        .replaceAll("/dev/stdout", `${dir}/access.log`);
      await writeFile(path.join(dir, "nginx.conf"), conf);
      await run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")]);
      await copyFile("/etc/nginx/mime.types", path.join(dir, "mime.types")).catch(() => undefined);
      const result = await run(nginx, ["-t", "-p", dir, "-c", path.join(dir, "nginx.conf")]).then(
        ({ stderr }) => ({ ok: true, stderr }),
        (error: { stderr: string }) => ({ ok: false, stderr: error.stderr }),
      );
      assert.ok(result.ok, result.stderr);
      assert.match(result.stderr, /syntax is ok/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
