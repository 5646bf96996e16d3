/**
 * Seconds each `mamori` command takes from the shell to its exit, as `npm run mamori -- …` runs it (without npm's own
 * start), on the embedded database: once on an empty data folder (the first command creates the database) and then
 * every command on that folder, beside `node -e ""` measured in the same run. Commands that need an account
 * (generate) or an empty database (restore) are left out; `docs` is left out as it rewrites the repository's docs.
 * Run: npx tsx bench/cli-start.ts
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

// BENCH_CLI_LOADER=tsx measures the commands as they ran before Node.js stripped the types itself.
const runTypeScript = ["--import", process.env["BENCH_CLI_LOADER"] ?? "./src/cli/resolve-typescript.ts", "src/cli/mamori.ts"];

/**
 * Runs a command to its end under bash, whose `times` then reports the CPU the command used (user and system): on a
 * machine shared with other work, wall time mostly measures the others. Returns wall and CPU seconds and the exit code.
 */
async function timed(args: string[], env: Record<string, string>): Promise<{ seconds: number; cpu: number; code: number | null; output: string }> {
  const startedAt = performance.now();
  const script = '"$@"; code=$?; times >&2; exit $code';
  const child = spawn("bash", ["-c", script, "bench", process.execPath, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let errors = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  // `times` prints the shell's own user/system line, then its children's: "0m1.234s 0m0.210s".
  const children = errors.trimEnd().split("\n").at(-1) ?? "";
  const cpu = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, match) => sum + Number(match[1]) * 60 + Number(match[2]), 0);
  return { seconds: (performance.now() - startedAt) / 1000, cpu, code, output: output + errors };
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), "mamori-bench-cli-"));
try {
  const env = { DATABASE_URL: "", MAMORI_DATA_DIR: dataDir, MAMORI_LOG_LEVEL: "warn", MAMORI_BACKUP_DIR: path.join(dataDir, "backups") };
  const out = (name: string) => path.join(dataDir, name);
  const commands: string[][] = [
    ["help"],
    ["eol"],
    ["sbom", "--output", out("sbom.json")],
    ["keys", "status"],
    ["audit", "verify"],
    ["oidc", "rotate-keys"],
    ["keys", "rotate"],
    ["backup"],
    ["backup", "drill"],
    ["compliance", "report", "--format", "json", "--out", out("report.json")],
    ["compliance", "disclosure", "--format", "html", "--out", out("disclosure.html")],
  ];
  const baseline = (await Promise.all([0, 1, 2].map(async () => (await timed(["-e", ""], {})).seconds))).sort()[1]!;
  const rows: string[] = [];
  const row = (what: string, result: { seconds: number; cpu: number; code: number | null }) =>
    rows.push(
      `${what.padEnd(44)} ${result.seconds.toFixed(2).padStart(6)} s ${(result.seconds / baseline).toFixed(0).padStart(5)} × node -e ""  CPU ${result.cpu.toFixed(2).padStart(5)} s${result.code === 0 ? "" : `  (exit ${result.code})`}`,
    );
  row("keys status (empty data folder: creates it)", await timed([...runTypeScript, "keys", "status"], env));
  for (const command of commands) {
    const result = await timed([...runTypeScript, ...command], env);
    row(command.slice(0, 2).filter((word) => !word.startsWith("--")).join(" "), result);
    if (result.code !== 0 && command[0] !== "help") process.stderr.write(`${command.join(" ")}: ${result.output.slice(0, 400)}\n`);
  }
  process.stdout.write(`mamori commands on the embedded database (${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(2)})\n${'node -e ""'.padEnd(44)} ${baseline.toFixed(3).padStart(6)} s\n${rows.join("\n")}\n`);
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
