import type { AccessGrant } from "../audit/index.js";
import type { Executor } from "../db/index.js";
import { createAccessStore, type ConsentRuleRow, type RelationshipRow, type RowChanges } from "./access-store.js";

/** The shape of a FHIR resource as far as access needs it (declared here so access does not depend on src/fhir). */
export interface WrittenResource {
  resourceType: string;
  id?: string | undefined;
  [key: string]: unknown;
}

export interface RecordChange {
  resource: WrittenResource;
  /** The Patient of the resource's compartment (the Patient's own id for a Patient). */
  patientId?: string | undefined;
  deleted: boolean;
  authorAccountId: string;
  /** The author's roles when writing: a relationship a doctor or nurse gives opens very restricted records. */
  authorRoles: readonly string[];
}

/** A change of who may later read the patient's records, for an `access.grant` audit entry beside the write. */
export interface RecordGrant {
  patientId: string;
  grant: AccessGrant;
}

/** Roles whose word establishes need-to-know (a relationship they give opens V records; records-labels.cedar). */
const clinicalRoles = new Set(["doctor", "nurse"]);

// Encounter states in which the serving department is treating the patient now (FHIR R4 EncounterStatus).
const activeEncounterStates = new Set(["planned", "arrived", "triaged", "in-progress", "onleave"]);
// Resources entered in error or withdrawn give no relationship.
const voidStates = new Set(["entered-in-error", "cancelled", "inactive"]);

/** Resource types whose writes change the facts record decisions rest on (relationships, consent). */
const factTypes = new Set(["Patient", "CareTeam", "Encounter", "Consent"]);

/** Whether writing a resource of this type can change a later record decision in the same transaction. */
export function changesAccessFacts(resourceType: string): boolean {
  return factTypes.has(resourceType);
}

/**
 * Keeps the care-relationship and consent side tables in step with one written resource: every row derived from
 * the resource is replaced, so calling it again for the same version changes nothing, and a deletion removes them.
 * Runs inside the caller's write transaction. Returns the grants the write made or withdrew (rows that appeared or
 * disappeared), which the caller audits in the same transaction.
 * @throws {Error} when the database refuses the change (the caller's transaction then rolls back).
 */
export async function applyRecordWritten(executor: Executor, change: RecordChange): Promise<RecordGrant[]> {
  const { resource } = change;
  const id = resource.id;
  if (!id) return [];
  const store = createAccessStore(executor);
  const isClinician = change.authorRoles.some((role) => clinicalRoles.has(role));
  // The author's own Practitioner, so that a row naming it (self-appointment) is not counted as a clinician's grant.
  const practitionerId = isClinician && (resource.resourceType === "CareTeam" || resource.resourceType === "Encounter") ? (await store.staffLink(change.authorAccountId))?.practitionerId : undefined;
  const granter = { accountId: change.authorAccountId, isClinician, practitionerId };
  // The cases are the types of `factTypes`.
  switch (resource.resourceType) {
    case "Patient":
      // The registering clinician keeps the relationship across later edits by others: only the first write of the
      // Patient records it, and deleting the Patient removes it. It is the registrant's own standing, shown by the
      // create entry itself, so it is not audited again as a grant.
      if (change.deleted) await store.replaceRelationships("Patient", id, [], granter);
      else if (!(await store.hasRelationships("Patient", id))) await store.replaceRelationships("Patient", id, relationshipsOf(change), granter);
      return [];
    case "CareTeam":
    case "Encounter":
      return relationshipGrants(store, await store.replaceRelationships(resource.resourceType, id, change.deleted ? [] : relationshipsOf(change), granter));
    case "Consent":
      return consentGrants(await store.replaceConsentRules(id, change.deleted || !change.patientId ? [] : consentRulesOf(resource, change.patientId)));
    default:
      return [];
  }
}

/**
 * A relationship row that appears grants its Practitioner or department access; one that disappears revokes it. A
 * Practitioner's grant also names the account acting as it, when one does, so intrusion detection can follow what
 * that account does next.
 */
async function relationshipGrants(store: ReturnType<typeof createAccessStore>, changes: RowChanges<RelationshipRow>): Promise<RecordGrant[]> {
  const rows = [...changes.added.map((row) => ({ row, change: "granted" as const })), ...changes.removed.map((row) => ({ row, change: "revoked" as const }))].filter(
    ({ row }) => row.source !== "registered",
  );
  const accounts = await store.soleAccountsOf(unique(rows.flatMap(({ row }) => (row.practitionerId ? [row.practitionerId] : []))));
  return rows.map(({ row, change }) => {
    const accountId = row.practitionerId ? accounts.get(row.practitionerId) : undefined;
    const grantee = row.practitionerId ? { practitionerId: row.practitionerId, ...(accountId ? { accountId } : {}) } : { organizationId: row.organizationId };
    return { patientId: row.patientId, grant: { kind: row.source as "care_team" | "encounter" | "department", change, grantee } };
  });
}

/**
 * A deny rule that appears revokes the department's access (or every department's, for a rule naming only a
 * purpose: the grantee is then empty); one that disappears, the consent withdrawn or narrowed, grants it back.
 * One entry per department and direction.
 */
function consentGrants(changes: RowChanges<ConsentRuleRow>): RecordGrant[] {
  const grants = new Map<string, RecordGrant>();
  const add = (rule: ConsentRuleRow, change: "granted" | "revoked") => {
    const key = JSON.stringify([rule.patientId, rule.organizationId ?? null, change]);
    if (!grants.has(key)) grants.set(key, { patientId: rule.patientId, grant: { kind: "consent", change, grantee: rule.organizationId ? { organizationId: rule.organizationId } : {} } });
  };
  for (const rule of changes.added) add(rule, "revoked");
  for (const rule of changes.removed) add(rule, "granted");
  return [...grants.values()];
}

function relationshipsOf(change: RecordChange): RelationshipRow[] {
  const { resource, patientId } = change;
  if (!patientId) return [];
  const status = typeof resource["status"] === "string" ? resource["status"] : undefined;
  if (status && voidStates.has(status)) return [];
  if (resource.resourceType === "Patient") {
    return [{ patientId, source: "registered", accountId: change.authorAccountId }];
  }
  if (resource.resourceType === "CareTeam") {
    return unique(referencedIds(arrayOf(resource["participant"]).map((participant) => field(participant, "member")), "Practitioner")).map((practitionerId) => ({
      patientId,
      source: "care_team",
      practitionerId,
    }));
  }
  const rows: RelationshipRow[] = unique(referencedIds(arrayOf(resource["participant"]).map((participant) => field(participant, "individual")), "Practitioner")).map(
    (practitionerId) => ({ patientId, source: "encounter", practitionerId }),
  );
  if (status && activeEncounterStates.has(status)) {
    for (const organizationId of referencedIds([resource["serviceProvider"]], "Organization")) rows.push({ patientId, source: "department", organizationId });
  }
  return rows;
}

/** Deny provisions of an active consent, anywhere in the provision tree: actor Organizations × purposes. */
function consentRulesOf(resource: WrittenResource, patientId: string): ConsentRuleRow[] {
  if (resource["status"] !== "active") return [];
  const rules: ConsentRuleRow[] = [];
  const visit = (provision: unknown): void => {
    if (!isObject(provision)) return;
    if (provision["type"] === "deny") {
      const organizations = unique(referencedIds(arrayOf(provision["actor"]).map((actor) => field(actor, "reference")), "Organization"));
      const purposes = unique(arrayOf(provision["purpose"]).flatMap((coding) => (isObject(coding) && typeof coding["code"] === "string" ? [coding["code"]] : [])));
      // A deny naming neither is a blanket refusal the clinic handles by paper procedure; it is not guessed at here.
      const orgChoices: Array<string | undefined> = organizations.length > 0 ? organizations : [undefined];
      const purposeChoices: Array<string | undefined> = purposes.length > 0 ? purposes : [undefined];
      for (const organizationId of orgChoices) {
        for (const purpose of purposeChoices) if (organizationId !== undefined || purpose !== undefined) rules.push({ patientId, organizationId, purpose });
      }
    }
    for (const nested of arrayOf(provision["provision"])) visit(nested);
  };
  visit(resource["provision"]);
  return rules;
}

const fhirIdPattern = /^[A-Za-z0-9\-.]{1,64}$/;

/** `Type/id` of a reference, relative or at the end of an absolute URL, with or without `/_history/<version>`. */
function parseReference(text: string): { type: string; id: string } | undefined {
  const parts = text.split("/");
  if (parts.length >= 4 && parts.at(-2) === "_history") parts.splice(-2, 2);
  const [type, id] = parts.slice(-2);
  return type && id && fhirIdPattern.test(id) ? { type, id } : undefined;
}

/** Ids of `Type/<id>` references (relative, or absolute ending in it); other references are ignored. */
function referencedIds(references: readonly unknown[], type: string): string[] {
  const ids: string[] = [];
  for (const reference of references) {
    const text = isObject(reference) ? reference["reference"] : undefined;
    if (typeof text !== "string") continue;
    const parsed = parseReference(text);
    if (parsed?.type === type) ids.push(parsed.id);
  }
  return ids;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const arrayOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const field = (value: unknown, name: string): unknown => (isObject(value) ? value[name] : undefined);
const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];
