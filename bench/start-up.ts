/**
 * Time from `npm start` to the one-time setup link on a fresh data folder (first start: embedded database created,
 * migrated, keys and certificate made) and on the same folder again (second start), beside the start of an empty
 * Node.js process (`node -e ""`) measured in the same run, so figures from a loaded machine can be compared.
 * Run: npx tsx bench/start-up.ts (BENCH_START_RUNS=n repeats each start, default 1; the embedded database is used).
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "../src/testing/free-port.js";

const runs = Number(process.env["BENCH_START_RUNS"] ?? 1);

/**
 * CPU seconds (user and system) used so far by every process of a process group, from /proc (Linux): on a machine
 * shared with other work, wall time mostly measures the others, CPU time this start. Undefined elsewhere.
 */
async function groupCpuSeconds(group: number): Promise<number | undefined> {
  try {
    let ticks = 0;
    for (const pid of (await readdir("/proc")).filter((name) => /^\d+$/.test(name))) {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
      // Fields after the command name (which may hold spaces): state ppid pgrp … utime (14th) stime (15th).
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === group) ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks / 100;
  } catch {
    return undefined;
  }
}

const isGone = (group: number) => {
  try {
    process.kill(-group, 0);
    return false;
  } catch {
    return true;
  }
};

/** Wall and CPU seconds until `until` matches the process's output; the process group is then stopped and awaited. */
async function timeUntil(command: string, args: string[], env: Record<string, string>, until: RegExp | undefined): Promise<{ wall: number; cpu: number | undefined }> {
  const startedAt = performance.now();
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  const wall = await new Promise<number>((resolve, reject) => {
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      if (until?.test(output)) resolve((performance.now() - startedAt) / 1000);
    };
    child.stdout.on("data", look);
    child.stderr.on("data", look);
    child.once("exit", (code) => (until ? reject(new Error(`exited with ${code} before ${String(until)}:\n${output}`)) : resolve((performance.now() - startedAt) / 1000)));
  });
  const cpu = until ? await groupCpuSeconds(child.pid!) : undefined;
  if (!isGone(child.pid!)) {
    process.kill(-child.pid!, "SIGTERM");
    // npm may exit before the service it started has closed the database and released the data folder.
    while (!isGone(child.pid!)) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { wall, cpu };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const nodeBaseline: number[] = [];
const first: Array<{ wall: number; cpu: number | undefined }> = [];
const second: Array<{ wall: number; cpu: number | undefined }> = [];
for (let run = 0; run < runs; run += 1) {
  for (let n = 0; n < 3; n += 1) nodeBaseline.push((await timeUntil(process.execPath, ["-e", ""], {}, undefined)).wall);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "mamori-bench-start-"));
  try {
    const port = String(await freePort());
    const env = { DATABASE_URL: "", MAMORI_DATA_DIR: dataDir, MAMORI_PORT: port, MAMORI_HOST: "127.0.0.1", MAMORI_LOG_LEVEL: "warn" };
    const link = /setup#token=[\w-]{40,}/;
    first.push(await timeUntil("npm", ["start", "--silent"], env, link));
    second.push(await timeUntil("npm", ["start", "--silent"], env, link));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const baseline = median(nodeBaseline);
const line = (what: string, results: Array<{ wall: number; cpu: number | undefined }>) => {
  const wall = median(results.map((result) => result.wall));
  const cpus = results.flatMap((result) => (result.cpu === undefined ? [] : [result.cpu]));
  return `${what.padEnd(38)} ${wall.toFixed(2).padStart(7)} s  ${(wall / baseline).toFixed(0).padStart(5)} × node -e ""${cpus.length > 0 ? `  (CPU ${median(cpus).toFixed(2)} s)` : ""}`;
};
process.stdout.write(
  [
    `start-up (${runs} run${runs === 1 ? "" : "s"}, medians; ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(2)})`,
    `${'node -e ""'.padEnd(38)} ${baseline.toFixed(3).padStart(7)} s`,
    line("npm start, first start → setup link", first),
    line("npm start, second start → setup link", second),
    "",
  ].join("\n"),
);
