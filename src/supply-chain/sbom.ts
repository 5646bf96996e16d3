import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import type { Clock } from "../kernel/index.js";

const run = promisify(execFile);

/** What the compliance report and the CLI show of an SBOM; the file itself is the evidence. */
export interface SbomSummary {
  /** `metadata.timestamp` of the document: when cyclonedx-npm produced it. */
  generatedAt: Date;
  /** Every component, nested ones included (cyclonedx-npm nests packages installed under another). */
  componentCount: number;
  /** CycloneDX specification version, e.g. "1.6". */
  specVersion: string;
  path: string;
  /** SHA-256 of the file as written, hex; lets a report cite exactly which SBOM it used. */
  sha256: string;
}

/** The project whose installed tree is described: the folder holding package.json and node_modules. */
export const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

/** The SBOM's default place in the data folder. */
export function defaultSbomPath(dataDir: string): string {
  return path.join(dataDir, "sbom.cdx.json");
}

function cyclonedxNpmBin(): string {
  // The package exports only its API; its CLI file sits beside that entry point's folder.
  const entry = createRequire(import.meta.url).resolve("@cyclonedx/cyclonedx-npm");
  return path.join(path.dirname(entry), "bin", "cyclonedx-npm-cli.js");
}

/**
 * Writes a CycloneDX JSON SBOM of the runtime dependency tree as installed (`npm ls`, dev dependencies omitted),
 * atomically (temporary file, then rename), and returns its summary.
 * @throws {Error} when npm or cyclonedx-npm fail (e.g. node_modules does not match package.json).
 */
export async function generateSbom(outputPath: string, root = projectRoot): Promise<SbomSummary> {
  await mkdir(path.dirname(outputPath), { recursive: true, mode: 0o700 });
  const partial = `${outputPath}.partial`;
  await run(
    process.execPath,
    [cyclonedxNpmBin(), "--omit", "dev", "--output-format", "JSON", "--mc-type", "application", "--output-file", partial, path.join(root, "package.json")],
    { cwd: root, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
  );
  await rename(partial, outputPath);
  return readSbomSummary(outputPath);
}

interface CycloneDxComponent {
  components?: CycloneDxComponent[];
}

function countComponents(components: CycloneDxComponent[] | undefined): number {
  return (components ?? []).reduce((total, component) => total + 1 + countComponents(component.components), 0);
}

/**
 * Reads an SBOM file and summarises it.
 * @throws {Error} when the file is missing or is not a CycloneDX JSON document.
 */
export async function readSbomSummary(sbomPath: string): Promise<SbomSummary> {
  const bytes = await readFile(sbomPath);
  const document = JSON.parse(bytes.toString("utf8")) as { bomFormat?: string; specVersion?: string; metadata?: { timestamp?: string }; components?: CycloneDxComponent[] };
  if (document.bomFormat !== "CycloneDX" || typeof document.specVersion !== "string") throw new Error(`${sbomPath} is not a CycloneDX JSON document`);
  const generatedAt = new Date(document.metadata?.timestamp ?? (await stat(sbomPath)).mtime);
  return {
    generatedAt,
    componentCount: countComponents(document.components),
    specVersion: document.specVersion,
    path: sbomPath,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}

export interface SbomSource {
  /**
   * The summary of the cached SBOM, generated first when there is none or it is older than the maximum age, so
   * a report never cites a stale tree; `ageMs` says how old the evidence is.
   * @throws {Error} when generation fails.
   */
  current(): Promise<SbomSummary & { ageMs: number }>;
  /** Generates a fresh SBOM now (after an install or upgrade). @throws {Error} when generation fails. */
  refresh(): Promise<SbomSummary>;
}

/** A lazily generated, cached SBOM at `sbomPath`; concurrent callers share one generation. */
export function createSbomSource(options: { sbomPath: string; maxAgeMs: number; clock: Clock; root?: string }): SbomSource {
  let inFlight: Promise<SbomSummary> | undefined;
  const refresh = () => {
    inFlight ??= generateSbom(options.sbomPath, options.root).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  return {
    refresh,
    async current() {
      let summary = await readSbomSummary(options.sbomPath).catch(() => undefined);
      if (!summary || options.clock.now().getTime() - summary.generatedAt.getTime() > options.maxAgeMs) summary = await refresh();
      return { ...summary, ageMs: Math.max(0, options.clock.now().getTime() - summary.generatedAt.getTime()) };
    },
  };
}
