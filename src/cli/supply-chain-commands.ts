import path from "node:path";
import type { Config } from "../config/index.js";
import { generateSbom } from "../supply-chain/index.js";

export const supplyChainUsage = `  mamori sbom [--output FILE] CycloneDX JSON SBOM of the installed runtime dependencies (default MAMORI_SBOM_FILE)
`;

/** Whether argv names one of the commands of this file. */
export function isSupplyChainCommand(command: string | undefined): boolean {
  return command === "sbom";
}

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
  process.stderr.write(supplyChainUsage);
  return 2;
}
