import type { SignatureRule } from "../rule.js";
import { genericAttackRules } from "./generic.js";
import { javaInjectionRules } from "./java.js";
import { localFileInclusionRules } from "./lfi.js";
import { phpInjectionRules } from "./php.js";
import { protocolAttackRules } from "./protocol-attack.js";
import { remoteFileInclusionRules } from "./rfi.js";
import { commandInjectionRules } from "./rce.js";
import { sqlInjectionRules } from "./sqli.js";
import { xssRules } from "./xss.js";

/** Every signature rule, one file per attack family. */
export const signatureRules: readonly SignatureRule[] = [
  ...protocolAttackRules,
  ...localFileInclusionRules,
  ...remoteFileInclusionRules,
  ...commandInjectionRules,
  ...phpInjectionRules,
  ...genericAttackRules,
  ...xssRules,
  ...sqlInjectionRules,
  ...javaInjectionRules,
];
