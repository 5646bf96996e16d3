import { createDecider, type AccessAction, type AccessSubject, type AccessTarget, type Decision } from "./decide.js";
import { loadPolicies, type LoadedPolicy } from "./policy-set.js";

export type { AccessAction, AccessTarget, AccessSubject, Decision, LoadedPolicy };

export interface Access {
  /** Decides one request; never throws, fails closed. */
  decide(subject: AccessSubject, action: AccessAction, target: AccessTarget): Decision;
  /** The policies in force, for the compliance report. */
  policies(): readonly LoadedPolicy[];
}

/** Loads the Cedar policies and returns the decision point. */
export async function createAccess(): Promise<Access> {
  const policies = await loadPolicies();
  const decide = createDecider(policies);
  return { decide, policies: () => policies };
}
export { isScopeCovered, parseSmartScope, scopesPermit, supportedSmartScopes, scopedResourceTypes, type ParsedScope, type ScopedInteraction } from "./smart-scopes.js";
