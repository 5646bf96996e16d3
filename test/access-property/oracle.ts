import { createDecider, createRecordPolicyEvaluator, type LoadedPolicy, type RecordAction, type RecordCategory, type RecordDecisionFacts, type RecordTarget } from "../../src/access/index.js";
import { currentVersion, type Label, type ModelRecord, type World, type WorldPrincipal } from "./world.js";

// The oracle of the access property test: the facts of a principal about a patient, computed from the world the
// test generated (not read from the service's access tables), put to the record policies. Only the policies'
// evaluation is shared with the service; the facts, and how a break-glass grant stands in, are the rules' own.

/** How a principal is related to a patient (the rules' names). */
type RelationshipSource = "care_team" | "encounter" | "department" | "registered";

/** Purpose of use (HL7 v3 ActReason) of each role's requests, as the clinic's consent forms name them. */
const purposeOfRole: Partial<Record<string, string>> = { doctor: "TREAT", nurse: "TREAT", pharmacist: "TREAT", clerk: "HOPERAT" };
/** Encounter states in which the serving department is treating the patient now (FHIR R4 EncounterStatus). */
const currentEncounterStates = new Set(["planned", "arrived", "triaged", "in-progress", "onleave"]);
/** Care teams and encounters entered in error, cancelled or inactive relate nobody. */
const voidStates = new Set(["entered-in-error", "cancelled", "inactive"]);

const categoryOf = (type: string): RecordCategory => (type === "Patient" ? "demographic" : ["Practitioner", "PractitionerRole", "Organization"].includes(type) ? "directory" : "clinical");

/** A principal's standing with one patient: how related (and through which records), consent, emergency grant. */
export interface PatientFacts {
  relationship: RelationshipSource[];
  /** The records (or registration) each relationship comes from, with their authors' roles. */
  origins: Array<{ source: RelationshipSource; authorRole: string; selfAppointed?: boolean }>;
  consentDenied: boolean;
  hasBreakGlass: boolean;
}

const isLive = (record: ModelRecord) => !currentVersion(record).deleted;

/** The facts the rules derive from the world for `principal` about `patientId`. */
export function factsOf(world: World, principal: WorldPrincipal, patientId: string): PatientFacts {
  const origins: PatientFacts["origins"] = [];
  const live = world.records.filter((record) => record.patientId === patientId && isLive(record));
  for (const record of live) {
    const facts = record.facts;
    if (facts.kind === "care_team" && !voidStates.has(facts.status) && principal.practitionerId && facts.practitioners.includes(principal.practitionerId)) {
      origins.push({ source: "care_team", authorRole: record.author.role, selfAppointed: record.author.accountId === principal.accountId });
    }
    if (facts.kind === "encounter" && !voidStates.has(facts.status)) {
      if (principal.practitionerId && facts.practitioners.includes(principal.practitionerId)) origins.push({ source: "encounter", authorRole: record.author.role, selfAppointed: record.author.accountId === principal.accountId });
      if (principal.departmentId && facts.departmentId === principal.departmentId && currentEncounterStates.has(facts.status)) origins.push({ source: "department", authorRole: record.author.role });
    }
  }
  const patient = world.patients.find((candidate) => candidate.id === patientId);
  const registration = live.find((record) => record.type === "Patient");
  if (patient && registration && patient.registrar.accountId === principal.accountId) origins.push({ source: "registered", authorRole: patient.registrar.role });
  const purposes = principal.roles.flatMap((role) => purposeOfRole[role] ?? []);
  // A denial naming a department and a purpose refuses only their combination; one naming neither is not applied.
  const consentDenied = live.some(
    ({ facts }) =>
      facts.kind === "consent" &&
      facts.status === "active" &&
      (facts.organizationId !== undefined || facts.purpose !== undefined) &&
      (facts.organizationId === undefined || facts.organizationId === principal.departmentId) &&
      (facts.purpose === undefined || purposes.includes(facts.purpose)),
  );
  const hasBreakGlass = world.breakGlass.some((grant) => grant.accountId === principal.accountId && grant.patientId === patientId);
  return { relationship: [...new Set(origins.map((origin) => origin.source))].sort(), origins, consentDenied, hasBreakGlass };
}

export type Oracle = (world: World, principal: WorldPrincipal, action: RecordAction, record: { type: string; id: string; patientId: string; label: Label }) => boolean;

/**
 * The expected decision: the policies over the world's facts, and when they refuse, the same request under the
 * principal's emergency grant if it holds one (a grant stands in for a relationship; the policies say what it opens).
 * @throws {Error} when the policies do not parse.
 */
export function createOracle(policies: readonly LoadedPolicy[]): Oracle {
  const evaluate = createRecordPolicyEvaluator(policies);
  return (world, principal, action, record) => {
    const facts = factsOf(world, principal, record.patientId);
    const target: RecordTarget = { type: record.type, id: record.id, category: categoryOf(record.type), patientId: record.patientId, confidentiality: record.label };
    // The one place a new context field goes. A relationship opens V records only when a doctor or nurse gave it
    // (or the principal registered the patient as a clinician): a clerk's Encounter does not.
    // A clinician naming himself on a care team or an encounter does not count: that is a self-appointment.
    const clinicianRelationship = facts.origins.some(({ authorRole, selfAppointed }) => (authorRole === "doctor" || authorRole === "nurse") && !selfAppointed);
    const decisionFacts = (breakGlass: boolean): RecordDecisionFacts => ({ relationship: facts.relationship, clinicianRelationship, consentDenied: facts.consentDenied, breakGlass });
    const recordPrincipal = { accountId: principal.accountId, roles: principal.roles, ...(principal.patientId ? { patientId: principal.patientId } : {}) };
    if (evaluate(recordPrincipal, action, target, decisionFacts(false)).allowed) return true;
    return facts.hasBreakGlass && evaluate(recordPrincipal, action, target, decisionFacts(true)).allowed;
  };
}

/** One line per principal and patient: what the oracle believes, for a failure's report. */
export function describeFacts(world: World): string {
  const lines: string[] = [];
  for (const principal of world.principals) {
    for (const [index, patient] of world.patients.entries()) {
      const facts = factsOf(world, principal, patient.id);
      const parts = [facts.relationship.join("+") || "unrelated", facts.consentDenied ? "consent denies" : "", facts.hasBreakGlass ? "break-glass" : ""].filter(Boolean);
      lines.push(`  ${principal.name} × patient ${index} (${patient.id.slice(0, 8)}): ${parts.join(", ")}`);
    }
  }
  const records = world.records.map(
    (record) =>
      `  ${record.type}/${record.id.slice(0, 8)} of patient ${world.patients.findIndex((patient) => patient.id === record.patientId)}: ${record.versions.map((version) => (version.deleted ? "deleted" : version.label)).join(",")}${factsText(record)}`,
  );
  return [`world ${world.tag}:`, ...lines, "records:", ...records].join("\n");
}

/** What a record says about access, briefly: status, practitioners, department, denial. */
function factsText({ facts }: ModelRecord): string {
  const short = (ids: string[]) => ids.map((id) => id.replace(/^pr-([0-9a-f]{8})-[0-9a-f-]+$/, "pr-$1")).join(" ");
  switch (facts.kind) {
    case "care_team":
      return ` (${facts.status}: ${short(facts.practitioners)})`;
    case "encounter":
      return ` (${facts.status}: ${short(facts.practitioners)}${facts.departmentId ? ` at ${facts.departmentId}` : ""})`;
    case "consent":
      return ` (${facts.status}: denies ${[facts.organizationId, facts.purpose].filter(Boolean).join(" for ")})`;
    case "none":
      return "";
  }
}

/**
 * Whether the system policies let `principal` invite the patient to the portal: the care relationship the world
 * gives it (an emergency grant is none), asked of the same policy files with the decider the service uses.
 */
export function createInviteOracle(policies: readonly LoadedPolicy[]): (world: World, principal: WorldPrincipal, patientId: string) => boolean {
  const decide = createDecider(policies);
  return (world, principal, patientId) => {
    const facts = factsOf(world, principal, patientId);
    const subject = { accountId: principal.accountId, roles: principal.roles, patientId: principal.patientId };
    return decide(subject, "invite_patient", { type: "Patient", id: patientId }, { relationship: facts.relationship.length > 0, relationshipSource: facts.relationship.join(",") }).allowed;
  };
}
