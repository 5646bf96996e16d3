export { createInspector, anomalyScore, type Inspector, type RuleMatch } from "./inspector.js";
export type { ContentTypePolicy, RequestHead } from "./request-parts.js";
export type { Family, ParanoiaLevel } from "./rule.js";
export { signatureRules } from "./rules/index.js";
export { protocolChecks, limits as inspectionLimits } from "./protocol-checks.js";
