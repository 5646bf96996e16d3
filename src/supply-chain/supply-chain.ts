import type { Database } from "../db/index.js";
import type { Clock } from "../kernel/index.js";
import { eolReport, type EolEntry } from "./eol.js";
import { detectInstalledVersions } from "./installed-versions.js";
import { createSbomSource, type SbomSource } from "./sbom.js";

/**
 * The read-only supply-chain evidence other modules (the compliance report) consume: the cached SBOM with its age
 * and the end-of-life status of what this installation runs. No principal: it holds no personal data.
 */
export function createSupplyChain(deps: { db: Database; clock: Clock; sbomFile: string; sbomMaxAgeMs: number }) {
  const sbom: SbomSource = createSbomSource({ sbomPath: deps.sbomFile, maxAgeMs: deps.sbomMaxAgeMs, clock: deps.clock });
  return {
    sbom,
    /** eolReport for the detected runtime, database server and tracked packages, as of the clock's now. */
    async eol(): Promise<EolEntry[]> {
      return eolReport(deps.clock.now(), await detectInstalledVersions(deps.db));
    },
  };
}

export type SupplyChain = ReturnType<typeof createSupplyChain>;
