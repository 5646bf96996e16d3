import type { Database, Executor } from "../db/index.js";
import { systemClock, type Clock, type Principal } from "../kernel/index.js";
import { createAccessStore } from "./access-store.js";
import { createDecider, type AccessAction, type AccessSubject, type AccessTarget, type Decision, type DecisionContext } from "./decide.js";
import { createNetworkCheck, type NetworkAllowLists } from "./networks.js";
import { loadPolicies, type LoadedPolicy } from "./policy-set.js";
import { applyRecordWritten, type RecordChange, type RecordGrant } from "./record-written.js";
import { createRecordAuthorizers, type RecordAuthorizer } from "./records-authorizer.js";

export type { AccessAction, AccessTarget, AccessSubject, Decision, DecisionContext, LoadedPolicy, NetworkAllowLists };
export type { Confidentiality, LabelChange, RecordAction, RecordAuthorizer, RecordCategory, RecordDecision, RecordDecisionFacts, RecordPrincipal, RecordTarget, RecordWrite } from "./records-authorizer.js";
export { createRecordAuthorizers, createRecordPolicyEvaluator } from "./records-authorizer.js";
export { authorizeRecord, type RecordPermission } from "./authorize-record.js";
export type { RecordChange, RecordGrant, WrittenResource } from "./record-written.js";
export { changesAccessFacts } from "./record-written.js";

export interface Access {
  /** Decides one request; never throws, fails closed. */
  decide(subject: AccessSubject, action: AccessAction, target: AccessTarget, context?: DecisionContext): Decision;
  /**
   * Decides an action on a patient that rests on the principal's care relationship with them (`invite_patient`):
   * the relationship is read from the access tables as for a record decision (care team, encounter, department,
   * registration; an emergency grant is not one) and given to the policies as `context.relationship` and
   * `context.relationshipSource`. Fails closed on a policy error.
   * @throws {Error} when the database cannot be read.
   */
  decideInCare(subject: AccessSubject, action: AccessAction, patientId: string): Promise<Decision>;
  /**
   * The record decision point for one request: role, care relationship, labels, consent and break-glass grants.
   * Caches per-patient lookups for the authorizer's lifetime, so build one per request.
   */
  recordAuthorizer(principal: Principal, executor?: Executor): RecordAuthorizer;
  /**
   * Keeps the care-relationship and consent side tables current; call inside the FHIR write transaction of every
   * create, update and delete. Idempotent per resource id. Returns the grants it made or withdrew, for the caller to
   * audit as `access.grant` in the same transaction.
   * @throws {Error} when the database refuses the change.
   */
  recordWritten(executor: Executor, change: RecordChange): Promise<RecordGrant[]>;
  /** The policies in force, for the compliance report. */
  policies(): readonly LoadedPolicy[];
  /** The networks administrators and security officers may act from (empty: unrestricted), for the compliance checks. */
  networkAllowLists(): NetworkAllowLists;
}

/**
 * Loads the Cedar policies and returns the decision point; `networks` restricts administrators and security officers
 * to their networks (policies/network.cedar). `db` is where record decisions read relationships, consent and
 * break-glass grants when the caller passes no executor.
 * @throws {Error} when a policy does not parse or a network entry is not an address or CIDR range.
 */
export async function createAccess(options: { networks?: NetworkAllowLists; db?: Database; clock?: Clock } = {}): Promise<Access> {
  const policies = await loadPolicies();
  const networks: NetworkAllowLists = Object.freeze({
    admin: Object.freeze([...(options.networks?.admin ?? [])]),
    securityOfficer: Object.freeze([...(options.networks?.securityOfficer ?? [])]),
  });
  const networkOf = createNetworkCheck(networks);
  const decide = createDecider(policies, networkOf);
  const recordAuthorizer = createRecordAuthorizers({ policies, networkOf, executor: options.db?.kysely, clock: options.clock ?? systemClock });
  async function decideInCare(subject: AccessSubject, action: AccessAction, patientId: string): Promise<Decision> {
    if (!options.db) throw new Error("decisions on care relationships need the database");
    const store = createAccessStore(options.db.kysely);
    const sources = await store.relationshipSources(patientId, subject.accountId, await store.staffLink(subject.accountId));
    return decide(subject, action, { type: "Patient", id: patientId }, { relationship: sources.length > 0, relationshipSource: sources.join(",") });
  }
  return { decide, decideInCare, recordAuthorizer, recordWritten: applyRecordWritten, policies: () => policies, networkAllowLists: () => networks };
}
// The compliance checks ask the same decision function about synthetic principals, and their tests build one over
// a changed policy list to prove a check notices a missing rule.
export { createDecider, loadPolicies };
export { blockListOf, isInside } from "./networks.js";
export { isScopeCovered, parseSmartScope, scopesPermit, supportedSmartScopes, scopedResourceTypes, type ParsedScope, type ScopedInteraction } from "./smart-scopes.js";
export { createAccessManagement, type AccessManagement, type BreakGlassGrant, type BreakGlassRow } from "./access-management.js";
export { createAccessStore, relationshipSources, type RelationshipSource, type ReviewOutcome, type StoredBreakGlassRow } from "./access-store.js";
