import { outcome, type ComplianceCheck } from "../check.js";

const hourMs = 3_600_000;

/** VUL-1: a CycloneDX SBOM of the installed runtime dependencies exists and is younger than its maximum age. */
export const sbomFreshness: ComplianceCheck = {
  id: "sbom.freshness",
  title: { ja: "SBOMの鮮度", en: "SBOM freshness" },
  async run({ supplyChain, clock }) {
    const maxAgeHours = supplyChain.sbomMaxAgeMs / hourMs;
    let summary;
    try {
      summary = await supplyChain.sbom();
    } catch {
      return outcome("not_met", "the SBOM file is not a readable CycloneDX JSON document", { maxAgeHours });
    }
    if (!summary) return outcome("not_met", "no SBOM has been generated (mamori sbom)", { maxAgeHours });
    const ageMs = clock.now().getTime() - summary.generatedAt.getTime();
    const evidence = {
      generatedAt: summary.generatedAt.toISOString(),
      ageHours: Math.floor((ageMs / hourMs) * 10) / 10,
      maxAgeHours,
      componentCount: summary.componentCount,
      specVersion: summary.specVersion,
      sha256: summary.sha256,
    };
    return ageMs <= supplyChain.sbomMaxAgeMs ? outcome("met", "the SBOM is younger than its maximum age", evidence) : outcome("not_met", "the SBOM is older than its maximum age (regenerate with mamori sbom)", evidence);
  },
};
