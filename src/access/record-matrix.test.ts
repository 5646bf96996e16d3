import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import type { Role } from "../../shared/api/session.js";
import type { Database } from "../db/index.js";
import { createManualClock, newId, type Principal } from "../kernel/index.js";
import { openTestDatabase } from "../testing/index.js";
import { createAccessStore } from "./access-store.js";
import { createAccess, type Access, type Confidentiality, type RecordAction, type RecordCategory, type RecordTarget } from "./index.js";

// The access matrix of the medical records, written out from the rules (not from the policies): every role ×
// action × relationship × confidentiality label × record type, decided by the real Cedar policies over relationship,
// consent and break-glass rows that recordWritten derived from FHIR resources in the real database.

const roles = ["doctor", "nurse", "pharmacist", "clerk", "patient", "admin", "security_officer"] as const;
const actions: readonly RecordAction[] = ["read", "search", "create", "update", "delete"];
const labels: readonly Confidentiality[] = ["N", "R", "V"];
/** Staff relationships; a patient account is instead asked about its own and another patient's records. */
const staffRelationships = ["none", "care_team", "encounter", "department", "registered", "break_glass", "break_glass_expired"] as const;
const patientRelationships = ["own", "other"] as const;
type Relationship = (typeof staffRelationships)[number] | (typeof patientRelationships)[number];

const typeCategory: Record<string, RecordCategory> = {
  Observation: "clinical",
  Condition: "clinical",
  AllergyIntolerance: "clinical",
  MedicationRequest: "clinical",
  DiagnosticReport: "clinical",
  DocumentReference: "clinical",
  Encounter: "clinical",
  CareTeam: "clinical",
  Consent: "clinical",
  Provenance: "clinical",
  // Uploaded files: stored by the uploads module, decided as a clinical record of their patient like the others.
  Binary: "clinical",
  Patient: "demographic",
  Organization: "directory",
  Practitioner: "directory",
  PractitionerRole: "directory",
};

const caresFor = (relationship: Relationship) => relationship === "care_team" || relationship === "encounter" || relationship === "department" || relationship === "registered";

/** What the rules say, with break-glass treated as what it is: a stand-in for a care relationship. */
function expectedAllowed(role: (typeof roles)[number], action: RecordAction, relationship: Relationship, label: Confidentiality, type: string): boolean {
  const category = typeCategory[type]!;
  const related = caresFor(relationship);
  const emergency = relationship === "break_glass";
  const reaches = related || emergency;
  const reads = action === "read" || action === "search";
  let base = false;
  switch (role) {
    case "doctor":
      // Break-glass is for treating now: it never deletes what others recorded.
      if (category === "clinical") base = action === "delete" ? related : reaches;
      // Registering and finding patients needs no relationship; changing a patient's demographics does.
      else if (category === "demographic") base = action === "update" ? reaches : action !== "delete";
      else base = reads;
      break;
    case "nurse":
      if (category === "clinical") base = reaches && (reads || ((action === "create" || action === "update") && ["Observation", "AllergyIntolerance", "DocumentReference"].includes(type)));
      else if (category === "demographic") base = reads || (action === "update" && reaches);
      else base = reads;
      break;
    case "pharmacist":
      if (category === "directory") base = reads;
      else base = reaches && ((reads && ["MedicationRequest", "AllergyIntolerance", "Condition", "Observation", "Patient"].includes(type)) || (action === "update" && type === "MedicationRequest"));
      break;
    case "clerk":
      base = category === "directory" ? reads : ["Patient", "Encounter"].includes(type) && action !== "delete";
      break;
    case "patient":
      if (category === "directory") base = reads && type === "Organization";
      else base = relationship === "own" && (reads || (action === "create" && ["Consent", "DocumentReference", "Binary"].includes(type)) || (action === "update" && type === "Consent"));
      break;
    case "admin":
      base = category === "directory" && action !== "delete";
      break;
    case "security_officer":
      base = false;
  }
  if (!base) return false;
  const writes = action === "create" || action === "update" || action === "delete";
  // A consent is changed or removed by the patient only; staff record one (create) but never withdraw it.
  if (type === "Consent" && (action === "update" || action === "delete") && role !== "patient") return false;
  // An emergency grant alone never writes who cares for the patient: care teams, encounters, consents.
  // (Roles that reach these records without a relationship, the clerk's visits, do not lean on the grant.)
  if (emergency && writes && ["CareTeam", "Encounter", "Consent"].includes(type) && ["doctor", "nurse", "pharmacist"].includes(role)) return false;
  const ownRecord = role === "patient" && relationship === "own";
  if (label === "R") return ownRecord || ((role === "doctor" || role === "nurse") && reaches);
  if (label === "V") return ownRecord || (role === "doctor" && related);
  return true;
}

interface Row {
  role: (typeof roles)[number];
  relationship: Relationship;
  action: RecordAction;
  label: Confidentiality;
  type: string;
  allowed: boolean;
  breakGlass: boolean;
}

function rowsFor(role: (typeof roles)[number], relationship: Relationship): Row[] {
  const rows: Row[] = [];
  for (const type of Object.keys(typeCategory)) {
    // Labels matter for patient data; the directory is public within the clinic and carries none.
    for (const label of typeCategory[type] === "directory" ? (["N"] as const) : labels) {
      for (const action of actions) {
        const allowed = expectedAllowed(role, action, relationship, label, type);
        // Only the grant allowed it: the same request without one would be refused.
        const breakGlass = relationship === "break_glass" && allowed && !expectedAllowed(role, action, "none", label, type);
        rows.push({ role, relationship, action, label, type, allowed, breakGlass });
      }
    }
  }
  return rows;
}

const network = { ip: "10.0.0.5", userAgent: "matrix-test" };

describe("record access matrix (Cedar policies × database relationships)", () => {
  let db: Database;
  let access: Access;
  const clock = createManualClock();
  let total = 0;
  let decidingMs = 0;
  let decided = 0;

  before(async () => {
    db = await openTestDatabase();
    access = await createAccess({ db, clock });
  });
  after(async () => {
    // Printed so the size of the matrix is visible in every run.
    console.log(`record access matrix: ${total} rows; ${decided} matrix decisions in ${decidingMs.toFixed(0)} ms`);
    await db.close();
  });

  async function account(roles: readonly Role[], kind: "staff" | "patient"): Promise<string> {
    const id = newId();
    await sql`insert into identity_account (id, email, display_name, kind, roles, password_hash, created_at)
      values (${id}, ${`${id}@example.test`}, ${"Synthetic"}, ${kind}, ${roles as string[]}, ${"x"}, ${clock.now()})`.execute(db.kysely);
    return id;
  }

  /** A staff account linked to its Practitioner and department, related to `patientId` as `relationship` says. */
  async function staffRelatedAs(roles: readonly Role[], relationship: Relationship, patientId: string, tag: string): Promise<string> {
    const accountId = await account(roles, "staff");
    const practitioner = `pr-${tag}`;
    const department = `org-${tag}`;
    await createAccessStore(db.kysely).putStaffLink(accountId, { practitionerId: practitioner, departmentId: department }, accountId, clock.now());
    // Relationships given by a doctor (a clerk's are narrower: see "relationships a clerk gives"); the account's own
    // registration with its own roles.
    const written = (resource: Record<string, unknown> & { resourceType: string; id: string }, author = newId()) =>
      access.recordWritten(db.kysely, { resource, patientId, deleted: false, authorAccountId: author, authorRoles: author === accountId ? roles : ["doctor"] });
    // Another clinician's care team for the same patient: rows that must not count for this account.
    await written({ resourceType: "CareTeam", id: `ct-other-${tag}`, status: "active", participant: [{ member: { reference: "Practitioner/someone-else" } }] });
    // Registered by this account, or by someone else (whose relationship must not count for this one).
    await written({ resourceType: "Patient", id: patientId }, relationship === "registered" ? accountId : newId());
    if (relationship === "care_team") await written({ resourceType: "CareTeam", id: `ct-${tag}`, status: "active", participant: [{ member: { reference: `Practitioner/${practitioner}` } }] });
    if (relationship === "encounter") {
      // A finished encounter: its participants stay related, its department no longer is.
      await written({ resourceType: "Encounter", id: `enc-${tag}`, status: "finished", participant: [{ individual: { reference: `Practitioner/${practitioner}` } }], serviceProvider: { reference: "Organization/elsewhere" } });
    }
    if (relationship === "department") {
      await written({ resourceType: "Encounter", id: `enc-${tag}`, status: "in-progress", participant: [{ individual: { reference: "Practitioner/someone-else" } }], serviceProvider: { reference: `Organization/${department}` } });
    }
    const store = createAccessStore(db.kysely);
    const now = clock.now().getTime();
    if (relationship === "break_glass") {
      await store.insertBreakGlass({ id: newId(), accountId, patientId, reason: Buffer.from("ciphertext"), grantedAt: new Date(now - 60_000), expiresAt: new Date(now + 3_540_000) });
    }
    if (relationship === "break_glass_expired") {
      await store.insertBreakGlass({ id: newId(), accountId, patientId, reason: Buffer.from("ciphertext"), grantedAt: new Date(now - 7_200_000), expiresAt: new Date(now - 3_600_000) });
    }
    return accountId;
  }

  const principalOf = (accountId: string, roles: readonly Role[], patientId?: string): Principal => ({ accountId, roles, sessionId: newId(), network, ...(patientId ? { patientId } : {}) });

  const targetOf = (type: string, label: Confidentiality, patientId: string): RecordTarget => {
    const category = typeCategory[type]!;
    if (category === "directory") return { type, id: `${type.toLowerCase()}-1`, category, confidentiality: label };
    return { type, id: type === "Patient" ? patientId : `${type.toLowerCase()}-${patientId}`, category, patientId, confidentiality: label };
  };

  async function check(role: (typeof roles)[number], relationship: Relationship, principal: Principal, patientId: string): Promise<void> {
    const authorizer = access.recordAuthorizer(principal);
    const mismatches: string[] = [];
    const rows = rowsFor(role, relationship);
    // 12 patient-data types × 3 labels + 3 directory types × N, each × 5 actions: a shrinking matrix must fail too.
    assert.equal(rows.length, (12 * 3 + 3) * 5);
    for (const row of rows) {
      const started = performance.now();
      const decision = await authorizer.decide(row.action, targetOf(row.type, row.label, patientId));
      decidingMs += performance.now() - started;
      decided += 1;
      if (decision.allowed !== row.allowed || (decision.breakGlassId !== undefined) !== row.breakGlass) {
        mismatches.push(`${row.role} ${row.action} ${row.type}[${row.label}] via ${row.relationship}: expected ${row.allowed ? "allow" : "deny"}${row.breakGlass ? " (break-glass)" : ""}, got ${decision.allowed ? "allow" : "deny"} ${decision.reasonCode}${decision.breakGlassId ? " (break-glass)" : ""}`);
      }
      if (!decision.allowed) assert.notEqual(decision.reasonCode, "access.policy_error", `${row.role} ${row.action} ${row.type}: policy error`);
    }
    total += rows.length;
    assert.deepEqual(mismatches, []);
  }

  for (const role of roles.filter((role) => role !== "patient")) {
    for (const relationship of staffRelationships) {
      it(`${role} with relationship ${relationship}`, async () => {
        const patientId = `p-${role}-${relationship}`.replaceAll("_", "-");
        const accountId = await staffRelatedAs([role], relationship, patientId, `${role}-${relationship}`.replaceAll("_", "-"));
        await check(role, relationship, principalOf(accountId, [role]), patientId);
      });
    }
  }

  for (const relationship of patientRelationships) {
    it(`patient reading ${relationship === "own" ? "their own" : "another patient's"} records`, async () => {
      const ownId = `p-portal-${relationship}`;
      const accountId = await account(["patient"], "patient");
      const targetPatient = relationship === "own" ? ownId : "p-portal-someone-else";
      await check("patient", relationship, principalOf(accountId, ["patient"], ownId), targetPatient);
    });
  }

  it("counts each use a break-glass grant enabled, and only those", async () => {
    const patientId = "p-count";
    const accountId = await staffRelatedAs(["nurse"], "break_glass", patientId, "count");
    const authorizer = access.recordAuthorizer(principalOf(accountId, ["nurse"]));
    await authorizer.decide("read", targetOf("Observation", "N", patientId));
    await authorizer.decide("read", targetOf("Condition", "R", patientId));
    await authorizer.decide("read", targetOf("Patient", "N", patientId)); // allowed by role alone: not a use
    await authorizer.decide("create", targetOf("Condition", "N", patientId)); // refused: not a use
    const [grant] = await createAccessStore(db.kysely).breakGlassGrants({ accountId }, 5);
    assert.equal(grant?.accessCount, 2);
  });

  it("an administrator who is also a doctor never reads clinical or demographic records, even with a care relationship", async () => {
    const patientId = "p-admin-doctor";
    const accountId = await staffRelatedAs(["admin", "doctor"], "care_team", patientId, "admin-doctor");
    const authorizer = access.recordAuthorizer(principalOf(accountId, ["admin", "doctor"]));
    for (const type of ["Observation", "Patient"]) {
      const decision = await authorizer.decide("read", targetOf(type, "N", patientId));
      assert.deepEqual([decision.allowed, decision.reasonCode], [false, "access.admin_no_clinical"]);
    }
    total += 2;
  });

  // A page of search results prefetches the facts of all its patients in one query per table; the decisions must be
  // those of facts read patient by patient.
  it("decides the same with facts prefetched for many patients as with facts read one patient at a time", async () => {
    const tag = "prefetch";
    const related = "p-prefetch-care";
    const accountId = await staffRelatedAs(["doctor"], "care_team", related, tag);
    const written = (resource: Record<string, unknown> & { resourceType: string; id: string }, patientId: string) =>
      access.recordWritten(db.kysely, { resource, patientId, deleted: false, authorAccountId: accountId, authorRoles: ["doctor"] });
    const registered = "p-prefetch-registered";
    await written({ resourceType: "Patient", id: registered }, registered);
    const refusing = "p-prefetch-consent";
    await written({ resourceType: "CareTeam", id: "ct-prefetch-consent", status: "active", participant: [{ member: { reference: `Practitioner/pr-${tag}` } }] }, refusing);
    const purpose = [{ system: "http://terminology.hl7.org/CodeSystem/v3-ActReason", code: "TREAT" }];
    await written({ resourceType: "Consent", id: "consent-prefetch", status: "active", provision: { type: "permit", provision: [{ type: "deny", purpose }] } }, refusing);
    const emergency = "p-prefetch-emergency";
    const now = clock.now().getTime();
    await createAccessStore(db.kysely).insertBreakGlass({ id: newId(), accountId, patientId: emergency, reason: Buffer.from("ciphertext"), grantedAt: new Date(now - 60_000), expiresAt: new Date(now + 600_000) });
    const stranger = "p-prefetch-stranger";
    const patients = [related, registered, refusing, emergency, stranger];

    const describeAll = async (prefetch: boolean) => {
      const authorizer = access.recordAuthorizer(principalOf(accountId, ["doctor"]));
      if (prefetch) await authorizer.prefetch(patients);
      const answers: string[] = [];
      for (const patientId of patients) {
        for (const type of ["Observation", "Patient", "Consent"]) {
          for (const label of labels) {
            for (const action of actions) {
              const decision = await authorizer.preview(action, targetOf(type, label, patientId));
              answers.push(`${patientId} ${action} ${type}[${label}]: ${decision.allowed} ${decision.reasonCode}${decision.breakGlassId ? " break-glass" : ""}`);
            }
          }
        }
      }
      return answers;
    };
    const oneByOne = await describeAll(false);
    assert.deepEqual(await describeAll(true), oneByOne);
    // The five patients differ, so a prefetch that mixed them up would show.
    const readsOf = (patientId: string) => oneByOne.find((answer) => answer.startsWith(`${patientId} read Observation[N]`));
    assert.deepEqual(
      patients.map(readsOf),
      [
        `${related} read Observation[N]: true access.permitted`,
        `${registered} read Observation[N]: true access.permitted`,
        `${refusing} read Observation[N]: false access.consent_denied`,
        `${emergency} read Observation[N]: true access.break_glass break-glass`,
        `${stranger} read Observation[N]: false access.no_permission`,
      ],
    );
    total += oneByOne.length;
  });

  describe("consent", () => {
    // Consent kinds × care-giving roles × (relationship | break-glass) × records: a denial for the department or the
    // request's purpose closes the records unless break-glass; other denials and withdrawn consents do not.
    const consentKinds = ["deny_department", "deny_purpose", "deny_department_and_purpose", "deny_other_department", "inactive", "deleted", "permit"] as const;
    const consentRoles = ["doctor", "nurse", "pharmacist", "clerk"] as const;
    const purposeOf = { doctor: "TREAT", nurse: "TREAT", pharmacist: "TREAT", clerk: "HOPERAT" } as const;

    for (const kind of consentKinds) {
      for (const role of consentRoles) {
        for (const relationship of ["care_team", "break_glass"] as const) {
          it(`${role} via ${relationship}, consent ${kind}`, async () => {
            const tag = `consent-${kind}-${role}-${relationship}`.replaceAll("_", "-");
            const patientId = `p-${tag}`;
            const accountId = await staffRelatedAs([role], relationship, patientId, tag);
            const department = `org-${tag}`;
            const deny = (actor: string | undefined, purpose: string | undefined) => ({
              type: "deny",
              ...(actor ? { actor: [{ role: { text: "recipient" }, reference: { reference: `Organization/${actor}` } }] } : {}),
              ...(purpose ? { purpose: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ActReason", code: purpose }] } : {}),
            });
            const provisions = {
              deny_department: deny(department, undefined),
              deny_purpose: deny(undefined, purposeOf[role]),
              deny_department_and_purpose: deny(department, purposeOf[role]),
              deny_other_department: deny("org-somewhere-else", undefined),
              inactive: deny(department, undefined),
              deleted: deny(department, undefined),
              permit: { type: "permit", actor: [{ reference: { reference: `Organization/${department}` } }] },
            };
            const consent = { resourceType: "Consent", id: `consent-${tag}`, status: kind === "inactive" ? "inactive" : "active", provision: { type: "permit", provision: [provisions[kind]] } };
            await access.recordWritten(db.kysely, { resource: consent, patientId, deleted: false, authorAccountId: accountId, authorRoles: ["doctor"] });
            // Written twice: idempotent per resource id.
            await access.recordWritten(db.kysely, { resource: consent, patientId, deleted: kind === "deleted", authorAccountId: accountId, authorRoles: ["doctor"] });
            const denies = ["deny_department", "deny_purpose", "deny_department_and_purpose"].includes(kind);
            const authorizer = access.recordAuthorizer(principalOf(accountId, [role]));
            const mismatches: string[] = [];
            for (const type of ["Observation", "MedicationRequest", "Encounter", "Binary", "Patient"]) {
              for (const label of ["N", "R"] as const) {
                for (const action of ["read", "update"] as const) {
                  const base = expectedAllowed(role, action, relationship, label, type);
                  // An emergency grant overrides a refusing consent, except for writing who cares for the patient,
                  // which it never allows.
                  const emergencyOverrides = relationship === "break_glass" && !(action === "update" && type === "Encounter");
                  const expected = base && !(denies && !emergencyOverrides);
                  const decision = await authorizer.decide(action, targetOf(type, label, patientId));
                  total += 1;
                  if (decision.allowed !== expected) mismatches.push(`${action} ${type}[${label}]: expected ${expected}, got ${decision.allowed} ${decision.reasonCode}`);
                  if (!expected && base) assert.equal(decision.reasonCode, "access.consent_denied");
                }
              }
            }
            assert.deepEqual(mismatches, []);
          });
        }
      }
    }
  });

  // What an update changes decides it too (ACC-1): a pharmacist records dispensing only, a label moves only for a
  // doctor in care (or is raised by its author), and a relationship a clerk gives never opens V records.
  describe("field-level write rights", () => {
    const write = (changedFields: string[], labelChange: "none" | "raised" | "lowered" = "none", isAuthor = false) => ({ changedFields, labelChange, isAuthor });
    const answer = (decision: { allowed: boolean; reasonCode: string }) => (decision.allowed ? "allow" : decision.reasonCode);

    it("a pharmacist updates a prescription's status, status reason and notes, nothing else", async () => {
      const patientId = "p-field-pharmacist";
      const accountId = await staffRelatedAs(["pharmacist"], "care_team", patientId, "field-pharmacist");
      const authorizer = access.recordAuthorizer(principalOf(accountId, ["pharmacist"]));
      const prescription = targetOf("MedicationRequest", "N", patientId);
      const cases: Array<[string[], string]> = [
        [["status"], "allow"],
        [["note", "status", "statusReason"], "allow"],
        [["dosageInstruction"], "access.no_permission"],
        [["medicationCodeableConcept", "status"], "access.no_permission"],
        [["dispenseRequest"], "access.no_permission"],
      ];
      for (const [fields, expected] of cases) assert.equal(answer(await authorizer.decide("update", prescription, write(fields))), expected, fields.join(","));
      total += cases.length;
    });

    it("relabelling is for a doctor in care; its author may raise a label but only a doctor in care lowers one", async () => {
      const cases: Array<[Role, (typeof staffRelationships)[number], "raised" | "lowered", boolean, string]> = [
        ["doctor", "care_team", "lowered", false, "allow"],
        ["doctor", "care_team", "raised", false, "allow"],
        // Refused by the R label and the lowering rule at once without the grant, and by the lowering rule with it.
        ["doctor", "break_glass", "lowered", false, "deny"],
        ["doctor", "none", "raised", false, "access.no_permission"],
        ["nurse", "care_team", "raised", true, "allow"],
        ["nurse", "care_team", "raised", false, "access.no_permission"],
        ["nurse", "care_team", "lowered", true, "access.label_lowering"],
      ];
      for (const [index, [role, relationship, change, isAuthor, expected]] of cases.entries()) {
        const patientId = `p-relabel-${index}`;
        const accountId = await staffRelatedAs([role], relationship, patientId, `relabel-${index}`);
        const decision = await access.recordAuthorizer(principalOf(accountId, [role])).decide("relabel", targetOf("Observation", change === "lowered" ? "R" : "N", patientId), write(["meta"], change, isAuthor));
        assert.equal(expected === "deny" && !decision.allowed ? "deny" : answer(decision), expected, `${role} via ${relationship} ${change}${isAuthor ? " (author)" : ""}`);
      }
      total += cases.length;
    });

    it("a doctor a clerk's encounter names reads N and R records but not V, until a clinician names them too", async () => {
      const patientId = "p-field-reception";
      const accountId = await staffRelatedAs(["doctor"], "none", patientId, "field-reception");
      const clerk = await account(["clerk"], "staff");
      const encounter = { resourceType: "Encounter", id: "enc-reception", status: "in-progress", participant: [{ individual: { reference: "Practitioner/pr-field-reception" } }] };
      await access.recordWritten(db.kysely, { resource: encounter, patientId, deleted: false, authorAccountId: clerk, authorRoles: ["clerk"] });
      const readsOf = async () => {
        const authorizer = access.recordAuthorizer(principalOf(accountId, ["doctor"]));
        return Promise.all(labels.map(async (label) => answer(await authorizer.decide("read", targetOf("Observation", label, patientId)))));
      };
      assert.deepEqual(await readsOf(), ["allow", "allow", "access.very_restricted_label"]);
      // A doctor editing the clerk's encounter keeps the row's granter: the clerk's assignment stays a clerk's.
      await access.recordWritten(db.kysely, { resource: { ...encounter, status: "finished" }, patientId, deleted: false, authorAccountId: newId(), authorRoles: ["doctor"] });
      assert.deepEqual(await readsOf(), ["allow", "allow", "access.very_restricted_label"]);
      const careTeam = { resourceType: "CareTeam", id: "ct-reception", status: "active", participant: [{ member: { reference: "Practitioner/pr-field-reception" } }] };
      await access.recordWritten(db.kysely, { resource: careTeam, patientId, deleted: false, authorAccountId: newId(), authorRoles: ["doctor"] });
      assert.deepEqual(await readsOf(), ["allow", "allow", "allow"]);
      total += 9;
    });
  });

  describe("recordWritten keeps derived rows current", () => {
    const sourcesOf = async (accountId: string, patientId: string) => {
      const store = createAccessStore(db.kysely);
      return store.relationshipSources(patientId, accountId, await store.staffLink(accountId));
    };

    it("a care team member removed by an update, or a deleted encounter, is no longer related", async () => {
      const patientId = "p-lifecycle";
      const accountId = await staffRelatedAs(["doctor"], "care_team", patientId, "lifecycle");
      const careTeam = { resourceType: "CareTeam", id: "ct-lifecycle", status: "active", participant: [{ member: { reference: "Practitioner/pr-lifecycle" } }] };
      await access.recordWritten(db.kysely, { resource: careTeam, patientId, deleted: false, authorAccountId: accountId, authorRoles: ["doctor"] });
      assert.deepEqual(await sourcesOf(accountId, patientId), ["care_team"]);
      await access.recordWritten(db.kysely, { resource: { ...careTeam, participant: [] }, patientId, deleted: false, authorAccountId: accountId, authorRoles: ["doctor"] });
      assert.deepEqual(await sourcesOf(accountId, patientId), []);
      const encounter = { resourceType: "Encounter", id: "enc-lifecycle", status: "in-progress", serviceProvider: { reference: "Organization/org-lifecycle" } };
      await access.recordWritten(db.kysely, { resource: encounter, patientId, deleted: false, authorAccountId: accountId, authorRoles: ["doctor"] });
      assert.deepEqual(await sourcesOf(accountId, patientId), ["department"]);
      await access.recordWritten(db.kysely, { resource: { ...encounter, status: "finished" }, patientId, deleted: false, authorAccountId: accountId, authorRoles: ["doctor"] });
      assert.deepEqual(await sourcesOf(accountId, patientId), []);
      await access.recordWritten(db.kysely, { resource: encounter, patientId, deleted: false, authorAccountId: accountId, authorRoles: ["doctor"] });
      await access.recordWritten(db.kysely, { resource: encounter, patientId, deleted: true, authorAccountId: accountId, authorRoles: ["doctor"] });
      assert.deepEqual(await sourcesOf(accountId, patientId), []);
      const authorizer = access.recordAuthorizer(principalOf(accountId, ["doctor"]));
      assert.equal((await authorizer.decide("read", targetOf("Observation", "N", patientId))).allowed, false);
    });

    it("reads absolute and versioned references, and ignores references to other types or void care teams", async () => {
      const patientId = "p-references";
      const accountId = await staffRelatedAs(["doctor"], "none", patientId, "references");
      const careTeam = (member: string, status = "active") => ({ resourceType: "CareTeam", id: "ct-references", status, participant: [{ member: { reference: member } }] });
      const write = (resource: Record<string, unknown> & { resourceType: string; id: string }) => access.recordWritten(db.kysely, { resource, patientId, deleted: false, authorAccountId: accountId, authorRoles: ["doctor"] });
      await write(careTeam("https://fhir.example.test/R4/Practitioner/pr-references/_history/3"));
      assert.deepEqual(await sourcesOf(accountId, patientId), ["care_team"]);
      await write(careTeam("https://fhir.example.test/R4/Practitioner/pr-references/_history/3", "entered-in-error"));
      assert.deepEqual(await sourcesOf(accountId, patientId), []);
      await write(careTeam("RelatedPerson/pr-references"));
      assert.deepEqual(await sourcesOf(accountId, patientId), []);
      await write(careTeam("Practitioner/pr-references"));
      assert.deepEqual(await sourcesOf(accountId, patientId), ["care_team"]);
    });

    it("the registering clinician stays related when someone else edits the Patient", async () => {
      const patientId = "p-registered-kept";
      const registrar = await account(["doctor"], "staff");
      const other = await account(["clerk"], "staff");
      await access.recordWritten(db.kysely, { resource: { resourceType: "Patient", id: patientId }, patientId, deleted: false, authorAccountId: registrar, authorRoles: ["doctor"] });
      await access.recordWritten(db.kysely, { resource: { resourceType: "Patient", id: patientId, active: true }, patientId, deleted: false, authorAccountId: other, authorRoles: ["clerk"] });
      assert.deepEqual(await sourcesOf(registrar, patientId), ["registered"]);
      assert.deepEqual(await sourcesOf(other, patientId), []);
    });
  });
});
