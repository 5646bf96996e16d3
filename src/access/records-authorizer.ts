import { cedar } from "./cedar-runtime.js";
import type { Executor } from "../db/index.js";
import type { Clock, Principal } from "../kernel/index.js";
import { createAccessStore, type RelationshipFacts, type RelationshipSource, type StaffLink } from "./access-store.js";
import type { NetworkContext } from "./networks.js";
import type { LoadedPolicy } from "./policy-set.js";

/** `relabel`: changing a record's confidentiality label, decided in addition to the update that changes it. */
export type RecordAction = "read" | "search" | "create" | "update" | "delete" | "relabel";
export type RecordCategory = "directory" | "demographic" | "clinical";
export type Confidentiality = "N" | "R" | "V";

export interface RecordTarget {
  type: string;
  id: string;
  category: RecordCategory;
  /** The Patient of the compartment; for a Patient its own id (assumed when absent). */
  patientId?: string | undefined;
  confidentiality: Confidentiality;
}

/** How an update moves the confidentiality label (N < R < V; no label is N). */
export type LabelChange = "none" | "raised" | "lowered";

/** What an update changes, for field-level write rights: the policies see it as `context.changedFields` etc. */
export interface RecordWrite {
  /** Top-level elements whose value differs from the current version (meta.versionId, lastUpdated, id, text ignored). */
  changedFields: readonly string[];
  labelChange: LabelChange;
  /** Whether the caller wrote the current version. */
  isAuthor: boolean;
}

/** What a decision about anything but an update of an existing record is given: nothing changes. */
const noWrite: RecordWrite = { changedFields: [], labelChange: "none", isAuthor: false };

export interface RecordDecision {
  allowed: boolean;
  reasonCode: string;
  policyIds: string[];
  /** set when only an active break-glass grant allowed it */
  breakGlassId?: string | undefined;
}

export interface RecordAuthorizer {
  /** Decides one action on one record; never throws for a policy outcome, fails closed on an evaluation error. @throws {Error} when the database cannot be read. */
  decide(action: RecordAction, target: RecordTarget, write?: RecordWrite): Promise<RecordDecision>;
  /**
   * The same decision without acting on it: a break-glass grant it rests on is not counted as used, so the UI can be
   * told what the caller may do before the caller does it. @throws {Error} when the database cannot be read.
   */
  preview(action: RecordAction, target: RecordTarget, write?: RecordWrite): Promise<RecordDecision>;
  /**
   * Reads the access facts of these patients in one query per table, for decisions about many patients' records
   * at once (a page of search results). Optional: a decision reads what was not prefetched.
   * @throws {Error} when the database cannot be read.
   */
  prefetch(patientIds: Iterable<string>): Promise<void>;
}

/**
 * Purpose of use (HL7 v3 ActReason) each role's requests serve; a Consent denying that purpose closes the record.
 * Emergency access (ETREAT) is the break-glass override and is never refused by consent.
 */
const purposeOfRole: Partial<Record<string, string>> = { doctor: "TREAT", nurse: "TREAT", pharmacist: "TREAT", clerk: "HOPERAT" };

/** Roles whose requests are checked against relationships, consent and break-glass grants. */
const staffRoles = new Set(["doctor", "nurse", "pharmacist", "clerk"]);

interface PatientFacts {
  relationship: readonly RelationshipSource[];
  clinicianRelationship: boolean;
  consentDenied: boolean;
  breakGlassId: string | undefined;
}

let policySetCounter = 0;

/** The facts a record decision rests on besides role and record: what the access tables say for this patient. */
export interface RecordDecisionFacts {
  /** How the principal is related to the patient (empty: not related). */
  relationship: readonly RelationshipSource[];
  /** Whether a doctor or nurse gave one of those relationships (or registered the patient); absent: no. */
  clinicianRelationship?: boolean | undefined;
  consentDenied: boolean;
  /** Whether to evaluate as under an active break-glass grant. */
  breakGlass: boolean;
  /** What the update decided changes; absent: nothing (reads, creates, deletes, previews). */
  write?: RecordWrite | undefined;
}

/** Who asks, as far as the record policies look: account, roles, own Patient, network. */
export type RecordPrincipal = Pick<Principal, "accountId" | "roles" | "patientId"> & { network?: { ip: string } | undefined };

/**
 * The pure Cedar evaluation of record policies given the facts; the compliance checks probe it with synthetic
 * principals. Never throws for an evaluation error: it denies (`access.policy_error`).
 * @throws {Error} when the policies do not parse.
 */
export function createRecordPolicyEvaluator(
  policies: readonly LoadedPolicy[],
  networkOf: (ip: string | undefined) => NetworkContext = () => ({ adminNetwork: true, securityNetwork: true }),
): (principal: RecordPrincipal, action: RecordAction, target: RecordTarget, facts: RecordDecisionFacts) => RecordDecision {
  // Own id per instance: tests build several deciders over different policy lists in one process.
  const policySetId = `mamori-records-${++policySetCounter}`;
  const staticPolicies = Object.fromEntries(policies.map((policy) => [policy.id, policy.text]));
  const parsed = cedar.preparsePolicySet(policySetId, { staticPolicies });
  if (parsed.type === "failure") throw new Error(parsed.errors.map((error) => error.message).join("; "));
  const byId = new Map(policies.map((policy) => [policy.id, policy]));

  return (principal, action, target, facts) => {
    const patientId = patientOf(target);
    const user = { type: "User", id: principal.accountId };
    const resource = { type: "Record", id: `${target.type}/${target.id}` };
    const answer = cedar.statefulIsAuthorized({
      principal: user,
      action: { type: "Action", id: action },
      resource,
      context: {
        ...networkOf(principal.network?.ip),
        relationship: facts.relationship.length > 0,
        relationshipSource: facts.relationship.join(","),
        clinicianRelationship: facts.relationship.length > 0 && facts.clinicianRelationship === true,
        breakGlass: facts.breakGlass,
        consentDenied: facts.consentDenied,
        changedFields: [...(facts.write ?? noWrite).changedFields],
        labelChange: (facts.write ?? noWrite).labelChange,
        isAuthor: (facts.write ?? noWrite).isAuthor,
      },
      preparsedPolicySetId: policySetId,
      entities: [
        { uid: user, attrs: principal.patientId ? { patientId: principal.patientId } : {}, parents: principal.roles.map((role) => ({ type: "Role", id: role })) },
        ...principal.roles.map((role) => ({ uid: { type: "Role", id: role }, attrs: {}, parents: [] })),
        {
          uid: resource,
          attrs: { fhirType: target.type, category: target.category, confidentiality: target.confidentiality, ...(patientId ? { patient: patientId } : {}) },
          parents: [],
        },
      ],
    });
    if (answer.type === "failure") return { allowed: false, reasonCode: "access.policy_error", policyIds: [] };
    // Sorted: Cedar gives the determining policies as a set in no fixed order, and the first with a reason names it.
    const policyIds = [...answer.response.diagnostics.reason].sort();
    if (answer.response.diagnostics.errors.length > 0 && answer.response.decision !== "allow") return { allowed: false, reasonCode: "access.policy_error", policyIds };
    if (answer.response.decision === "allow") return { allowed: true, reasonCode: "access.permitted", policyIds };
    const reason = policyIds.map((id) => byId.get(id)?.annotations["reason"]).find(Boolean);
    return { allowed: false, reasonCode: reason ?? "access.no_permission", policyIds };
  };
}

/** The Patient of a record's compartment: its own id for a Patient, none for the directory. */
function patientOf(target: RecordTarget): string | undefined {
  if (target.category === "directory") return undefined;
  return target.patientId ?? (target.type === "Patient" ? target.id : undefined);
}

/**
 * Builds the factory of per-request record authorizers over the loaded Cedar policies. Relationship, consent and
 * break-glass facts are read from the access tables once per patient per authorizer (one request).
 * @throws {Error} when the policies do not parse.
 */
export function createRecordAuthorizers(deps: {
  policies: readonly LoadedPolicy[];
  networkOf: (ip: string | undefined) => NetworkContext;
  executor: Executor | undefined;
  clock: Clock;
}): (principal: Principal, executor?: Executor) => RecordAuthorizer {
  const evaluate = createRecordPolicyEvaluator(deps.policies, deps.networkOf);

  return (principal, executor) => {
    const database = executor ?? deps.executor;
    const isStaff = principal.roles.some((role) => staffRoles.has(role));
    const purposes = [...new Set(principal.roles.flatMap((role) => purposeOfRole[role] ?? []))];
    let link: Promise<StaffLink | undefined> | undefined;
    const factsByPatient = new Map<string, Promise<PatientFacts>>();
    const none: PatientFacts = { relationship: [], clinicianRelationship: false, consentDenied: false, breakGlassId: undefined };
    // No record policy names a record by its id (records-authorizer.test.ts checks it): the decision rests on the
    // action, the record's type, category, label and patient, and that patient's facts, which this authorizer reads
    // once, and for an update on what it changes. The many entries of one Bundle alike in all of these are evaluated
    // once.
    const decisions = new Map<string, RecordDecision>();
    const evaluateOnce = (action: RecordAction, target: RecordTarget, facts: RecordDecisionFacts): RecordDecision => {
      const write = facts.write ?? noWrite;
      const key = JSON.stringify([action, target.type, target.category, target.confidentiality, patientOf(target) ?? null, facts.breakGlass, [...write.changedFields].sort(), write.labelChange, write.isAuthor]);
      let decision = decisions.get(key);
      if (!decision) decisions.set(key, (decision = evaluate(principal, action, target, facts)));
      return decision;
    };

    function staffLinkOf(store: ReturnType<typeof createAccessStore>): Promise<StaffLink | undefined> {
      if (!link) {
        link = store.staffLink(principal.accountId);
        link.catch(() => {
          link = undefined;
        });
      }
      return link;
    }

    /**
     * Reads the facts of these patients, one query per table, and keeps a promise per patient: one patient for a
     * single decision, a whole page of them for a search.
     */
    function loadFacts(patientIds: readonly string[]): Promise<unknown> {
      const loading = (async () => {
        if (!database) throw new Error("record decisions need the database");
        const store = createAccessStore(database);
        const staffLink = await staffLinkOf(store);
        const [relationships, denied, grants] = await Promise.all([
          store.relationshipFactsOf(patientIds, principal.accountId, staffLink),
          store.consentDeniedAmong(patientIds, staffLink?.departmentId, purposes),
          store.activeBreakGlassOf(principal.accountId, patientIds, deps.clock.now()),
        ]);
        const unrelated: RelationshipFacts = { sources: [], isClinicianGranted: false };
        return new Map(
          patientIds.map((patientId): [string, PatientFacts] => {
            const related = relationships.get(patientId) ?? unrelated;
            return [patientId, { relationship: related.sources, clinicianRelationship: related.isClinicianGranted, consentDenied: denied.has(patientId), breakGlassId: grants.get(patientId) }];
          }),
        );
      })();
      for (const patientId of patientIds) {
        const facts = loading.then((all) => all.get(patientId)!);
        factsByPatient.set(patientId, facts);
        // A failed lookup must not be cached as an answer for the rest of the request.
        facts.catch(() => factsByPatient.delete(patientId));
      }
      return loading;
    }

    async function factsOf(patientId: string | undefined): Promise<PatientFacts> {
      // Patients, administrators and security officers are decided on role alone: no table is read for them.
      if (!patientId || !isStaff) return none;
      // A failure reaches the caller through the patient's promise.
      if (!factsByPatient.has(patientId)) void loadFacts([patientId]);
      return factsByPatient.get(patientId)!;
    }

    async function prefetch(patientIds: Iterable<string>): Promise<void> {
      if (!isStaff) return;
      const missing = [...new Set(patientIds)].filter((patientId) => !factsByPatient.has(patientId));
      if (missing.length > 0) await loadFacts(missing);
    }

    async function preview(action: RecordAction, target: RecordTarget, write?: RecordWrite): Promise<RecordDecision> {
      const facts = await factsOf(patientOf(target));
      const plain = evaluateOnce(action, target, { ...facts, breakGlass: false, write });
      if (plain.allowed || !facts.breakGlassId) return plain;
      const emergency = evaluateOnce(action, target, { ...facts, breakGlass: true, write });
      if (!emergency.allowed) return plain;
      return { ...emergency, reasonCode: "access.break_glass", breakGlassId: facts.breakGlassId };
    }

    return {
      preview,
      prefetch,
      async decide(action, target, write) {
        const decision = await preview(action, target, write);
        // Counted for the security officer's review: how much the grant was actually used.
        if (decision.breakGlassId) await createAccessStore(database!).countBreakGlassUse(decision.breakGlassId);
        return decision;
      },
    };
  };
}
