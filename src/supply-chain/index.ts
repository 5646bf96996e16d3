export { createSbomSource, defaultSbomPath, generateSbom, projectRoot, readSbomSummary, type SbomSource, type SbomSummary } from "./sbom.js";
export { eolReport, loadEolTable, releaseLine, type DetectedVersion, type EolEntry, type EolStatus, type EolTable } from "./eol.js";
export { detectInstalledVersions, trackedPackages } from "./installed-versions.js";
export { createSupplyChain, type SupplyChain } from "./supply-chain.js";
export { dependencyAuditScript, installedLockfileSha256, readDependencyAudit, type DependencyAuditResult } from "./dependency-audit.js";
