import { createDecider, type AccessAction, type AccessSubject, type AccessTarget, type Decision } from "./decide.js";
import { createNetworkCheck, type NetworkAllowLists } from "./networks.js";
import { loadPolicies, type LoadedPolicy } from "./policy-set.js";
import { createRecordAuthorizer, type RecordAuthorizer, type RecordChange } from "./records-authorizer.js";
import type { Executor } from "../db/index.js";
import type { Principal } from "../kernel/index.js";

export type { RecordAction, RecordAuthorizer, RecordCategory, RecordChange, RecordDecision, RecordTarget, Confidentiality } from "./records-authorizer.js";
export type { AccessAction, AccessTarget, AccessSubject, Decision, LoadedPolicy, NetworkAllowLists };

export interface Access {
  /** Decides one request; never throws, fails closed. */
  decide(subject: AccessSubject, action: AccessAction, target: AccessTarget): Decision;
  /** The policies in force, for the compliance report. */
  policies(): readonly LoadedPolicy[];
  /** The networks administrators and security officers may act from (empty: unrestricted), for the compliance checks. */
  networkAllowLists(): NetworkAllowLists;
  /** Record access for one principal; caches what it looks up for the life of one request. */
  recordAuthorizer(principal: Principal, executor?: Executor): RecordAuthorizer;
  /** Keeps what access derives from records (care relationships, consent) current; runs in the write's transaction. */
  recordWritten(executor: Executor, change: RecordChange): Promise<void>;
}

/**
 * Loads the Cedar policies and returns the decision point; `networks` restricts administrators and security officers
 * to their networks (policies/network.cedar).
 * @throws {Error} when a policy does not parse or a network entry is not an address or CIDR range.
 */
export async function createAccess(options: { networks?: NetworkAllowLists } = {}): Promise<Access> {
  const policies = await loadPolicies();
  const networks: NetworkAllowLists = Object.freeze({
    admin: Object.freeze([...(options.networks?.admin ?? [])]),
    securityOfficer: Object.freeze([...(options.networks?.securityOfficer ?? [])]),
  });
  const decide = createDecider(policies, createNetworkCheck(networks));
  return {
    decide,
    policies: () => policies,
    networkAllowLists: () => networks,
    recordAuthorizer: (principal, executor) => createRecordAuthorizer(decide, principal, executor),
    recordWritten: async () => {},
  };
}
// The compliance checks ask the same decision function about synthetic principals, and their tests build one over
// a changed policy list to prove a check notices a missing rule.
export { createDecider, loadPolicies };
export { blockListOf, isInside } from "./networks.js";
export { isScopeCovered, parseSmartScope, scopesPermit, supportedSmartScopes, scopedResourceTypes, type ParsedScope, type ScopedInteraction } from "./smart-scopes.js";
