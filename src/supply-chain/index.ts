export { createSbomSource, defaultSbomPath, generateSbom, projectRoot, readSbomSummary, type SbomSource, type SbomSummary } from "./sbom.js";
