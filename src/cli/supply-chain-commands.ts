import path from "node:path";
import type { Config } from "../config/index.js";
import { embeddedServerVersion, openDatabase } from "../db/index.js";
import { systemClock } from "../kernel/index.js";
import { detectInstalledVersions, eolReport, generateSbom, type DetectedVersion } from "../supply-chain/index.js";
import { supplyChainUsage } from "./usage.js";


/**
 * Runs `sbom …`; returns the exit code.
 * @throws {Error} when the SBOM cannot be generated.
 */
export async function runSupplyChainCommand(config: Readonly<Config>, argv: string[]): Promise<number> {
  const [command, flag, value] = argv;
  if (command === "sbom") {
    if (flag !== undefined && (flag !== "--output" || !value)) {
      process.stderr.write(supplyChainUsage);
      return 2;
    }
    const summary = await generateSbom(value ? path.resolve(value) : config.supplyChain.sbomFile);
    process.stdout.write(
      `SBOM written: ${summary.path}\n  CycloneDX ${summary.specVersion}, ${summary.componentCount} components, generated ${summary.generatedAt.toISOString()}\n  sha256 ${summary.sha256}\n`,
    );
    return 0;
  }
  if (command === "eol" && (flag === undefined || flag === "--strict")) return printEolReport(config, flag === "--strict");
  process.stderr.write(supplyChainUsage);
  return 2;
}

async function printEolReport(config: Readonly<Config>, strict: boolean): Promise<number> {
  // Embedded: the PostgreSQL version built into PGlite, read from its binary without starting it or opening the data
  // folder (which a running service holds).
  const embedded = config.databaseUrl === undefined ? await embeddedServerVersion() : undefined;
  if (embedded) return printReport(await detectInstalledVersions({ serverVersion: embedded }), strict);
  // Otherwise the server itself, or (a PGlite build laid out otherwise) a throw-away in-memory instance.
  const db = await openDatabase(config, { memory: config.databaseUrl === undefined });
  try {
    return printReport(await detectInstalledVersions(db), strict);
  } finally {
    await db.close();
  }
}

/** Prints the end-of-life table; returns 1 under --strict when a component is past its end of life. */
function printReport(detected: DetectedVersion[], strict: boolean): number {
  const report = eolReport(systemClock.now(), detected);
  const rows = report.map((entry) => [entry.component, entry.version, entry.status.toUpperCase(), entry.eolDate ?? "-", entry.reviewedAt ?? "-", entry.source ?? "-"]);
  const header = ["component", "version", "status", "end of life", "reviewed", "source"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  for (const row of [header, ...rows]) process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ").trimEnd()}\n`);
  const ended = report.filter((entry) => entry.status === "eol");
  if (ended.length > 0) process.stdout.write(`\n${ended.length} component(s) past end of life: ${ended.map((entry) => `${entry.component} ${entry.version}`).join(", ")}\n`);
  return strict && ended.length > 0 ? 1 : 0;
}
