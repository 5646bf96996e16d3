import { randomUUID } from "node:crypto";
import type { Role, StaffRole } from "../../shared/api/session.js";
import type { SignedInUser, TestApp, TestClient } from "../../src/testing/index.js";
import { careTeamContent, clinicalContent, consentContent, encounterContent, patientContent, withLabel, type Content } from "./resources.js";
import { consentDepartments, departments, type Label, type ModelRecord, type RecordFacts, type World, type WorldPrincipal, type WorldSpec } from "./world.js";

// Builds a generated world through the HTTP API as a clinic would: accounts linked to their Practitioner and
// department by an administrator, patients registered, care teams, encounters, records and consents written as
// FHIR transactions, portal accounts invited, emergency grants requested. What was built is returned as the model.

const fhir = { contentType: "application/fhir+json" };

/** A staff account reused by every world: its Practitioner (if linked) stays, its department changes per world. */
export interface PoolAccount {
  role: StaffRole;
  user: SignedInUser;
  /** Undefined for an account never linked to a Practitioner. */
  practitionerId: string | undefined;
  departmentId: string | undefined;
  name: string;
}

export interface Harness {
  app: TestApp;
  admin: SignedInUser;
  /** A doctor outside every world's principals who writes the records and consents; in each patient's care team. */
  recorder: SignedInUser;
  recorderPractitioner: string;
  pool: PoolAccount[];
}

let worlds = 0;

/** Links an account to its Practitioner and department (an administrator's act, audited). @throws {Error} unless 204. */
export async function link(admin: SignedInUser, accountId: string, practitionerId: string, departmentId: string | undefined): Promise<void> {
  const linked = await admin.client.request("PUT", `/api/admin/accounts/${accountId}/practitioner`, { body: { practitionerId, ...(departmentId ? { departmentId } : {}) } });
  if (linked.status !== 204) throw new Error(`link failed: ${linked.status} ${linked.text}`);
}

interface BundleEntry {
  method: "POST" | "PUT";
  content: Content;
  id?: string;
  fullUrl?: string;
}

/** Runs a transaction Bundle; returns the id of each entry. @throws {Error} unless the transaction succeeds. */
async function transaction(client: TestClient, entries: BundleEntry[]): Promise<string[]> {
  if (entries.length === 0) return [];
  const bundle = {
    resourceType: "Bundle",
    type: "transaction",
    entry: entries.map((entry) => ({
      ...(entry.fullUrl ? { fullUrl: entry.fullUrl } : {}),
      resource: entry.content,
      request: { method: entry.method, url: entry.method === "POST" ? entry.content.resourceType : `${entry.content.resourceType}/${entry.id}` },
    })),
  };
  const response = await client.post("/fhir/R4", bundle, fhir);
  if (response.status !== 200) throw new Error(`world transaction failed: ${response.status} ${response.text}`);
  return (response.json.entry as Array<{ response: { location: string } }>).map((entry) => entry.response.location.split("/")[1]!);
}

/**
 * Builds the world `spec` describes on the running app and returns its model.
 * @throws {Error} when a step of the building is refused (the world is then not the one generated).
 */
export async function buildWorld(harness: Harness, spec: WorldSpec): Promise<World> {
  const { admin, recorder, recorderPractitioner, pool } = harness;
  const tag = `w${++worlds}`;
  const recorderAuthor = { accountId: recorder.accountId, role: "doctor" as Role };

  // Principals: the chosen pool accounts, each linked account given this world's department.
  const staff = spec.principals.map((index) => pool[index]!);
  const principals: WorldPrincipal[] = [];
  for (const [position, account] of staff.entries()) {
    if (account.practitionerId) {
      const wanted = spec.departments[position] === null || spec.departments[position] === undefined ? undefined : departments[spec.departments[position]!];
      if (wanted !== account.departmentId) {
        await link(admin, account.user.accountId, account.practitionerId, wanted);
        account.departmentId = wanted;
      }
    }
    principals.push({
      name: `${account.name} (${account.practitionerId ? "linked" : "unlinked"}${account.departmentId ? `, ${account.departmentId}` : ""})`,
      accountId: account.user.accountId,
      roles: [account.role],
      client: account.user.client,
      practitionerId: account.practitionerId,
      departmentId: account.departmentId,
      patientId: undefined,
    });
  }
  // A principal position names a principal's Practitioner (an unlinked principal's is one no account holds); past
  // the principals, a colleague outside the world.
  const practitionerAt = (position: number) => {
    const principal = principals[position];
    if (!principal) return `pr-outside-${position}`;
    return principal.practitionerId ?? `pr-nobody-${principal.accountId.slice(0, 8)}`;
  };
  const practitionersAt = (positions: number[]) => [...new Set(positions.map(practitionerAt))];
  const doctors = staff.filter((account) => account.role === "doctor");
  const clerk = staff.find((account) => account.role === "clerk");

  const records: ModelRecord[] = [];
  const modelOf = (type: string, id: string, patientId: string, content: Content, label: Label, author: ModelRecord["author"], facts: RecordFacts): ModelRecord => {
    const record: ModelRecord = { type, id, patientId, content, versions: [{ label, deleted: false }], author, facts };
    records.push(record);
    return record;
  };

  // Registration: each registrar registers its patients and sets up their care team (itself able to: it registered
  // them), which always holds the recorder so that it may write their records.
  const registrars = spec.patients.map((patient) => {
    const choice = patient.registrar % (doctors.length + 1);
    return choice === 0 ? recorder : doctors[choice - 1]!.user;
  });
  const patientIds: string[] = [];
  const patientRecords: ModelRecord[] = [];
  for (const registrar of new Set(registrars)) {
    const mine = spec.patients.flatMap((patient, index) => (registrars[index] === registrar ? [{ patient, index, fullUrl: `urn:uuid:${randomUUID()}`, content: patientContent() }] : []));
    const teams = mine.map(({ patient, fullUrl }) => careTeamContent(fullUrl, "active", [recorderPractitioner, ...practitionersAt(patient.careTeam)]));
    const ids = await transaction(registrar.client, [
      ...mine.map(({ content, fullUrl }) => ({ method: "POST" as const, content, fullUrl })),
      ...teams.map((content) => ({ method: "POST" as const, content })),
    ]);
    const author = { accountId: registrar.accountId, role: "doctor" as Role };
    for (const [n, { index, content }] of mine.entries()) {
      const patientId = ids[n]!;
      patientIds[index] = patientId;
      patientRecords[index] = modelOf("Patient", patientId, patientId, content, "N", author, { kind: "none" });
      const team = { ...teams[n]!, subject: { reference: `Patient/${patientId}` } };
      modelOf("CareTeam", ids[mine.length + n]!, patientId, team, "N", author, { kind: "care_team", status: "active", practitioners: [recorderPractitioner, ...practitionersAt(spec.patients[index]!.careTeam)] });
    }
  }
  const patients = spec.patients.map((_, index) => ({ id: patientIds[index]!, registrar: { accountId: registrars[index]!.accountId, role: "doctor" as Role } }));

  // The recorder labels the Patients, adds void care teams, its encounters and the clinical records.
  const recorderEntries: Array<BundleEntry & { model: (id: string) => void }> = [];
  const clerkEntries: typeof recorderEntries = [];
  for (const [index, patient] of spec.patients.entries()) {
    const patientId = patientIds[index]!;
    const reference = `Patient/${patientId}`;
    if (patient.label !== "N") {
      const model = patientRecords[index]!;
      recorderEntries.push({ method: "PUT", id: patientId, content: withLabel(model.content as Content, patient.label, patientId), model: () => model.versions.push({ label: patient.label, deleted: false }) });
    }
    if (patient.voidCareTeam) {
      const practitioners = practitionersAt(patient.voidCareTeam);
      const content = careTeamContent(reference, "inactive", practitioners);
      recorderEntries.push({ method: "POST", content, model: (id) => modelOf("CareTeam", id, patientId, content, "N", recorderAuthor, { kind: "care_team", status: "inactive", practitioners }) });
    }
    for (const encounter of patient.encounters) {
      const byClerk = encounter.byClerk && clerk !== undefined;
      const label = byClerk ? "N" : encounter.label;
      const facts = { kind: "encounter" as const, status: encounter.status, practitioners: practitionersAt(encounter.participants), departmentId: encounter.department === null ? undefined : departments[encounter.department] };
      const content = encounterContent(reference, facts);
      const author = byClerk ? { accountId: clerk.user.accountId, role: "clerk" as Role } : recorderAuthor;
      (byClerk ? clerkEntries : recorderEntries).push({ method: "POST", content: withLabel(content, label), model: (id) => modelOf("Encounter", id, patientId, content, label, author, facts) });
    }
    for (const record of patient.records) {
      const content = clinicalContent(record.type, reference);
      recorderEntries.push({ method: "POST", content: withLabel(content, record.label), model: (id) => modelOf(record.type, id, patientId, content, record.label, recorderAuthor, { kind: "none" }) });
    }
  }
  for (const [client, entries] of [[recorder.client, recorderEntries], [clerk?.user.client, clerkEntries]] as const) {
    if (!client) continue;
    const ids = await transaction(client, entries);
    entries.forEach((entry, n) => entry.model(ids[n]!));
  }

  // A portal patient, invited by the recorder.
  if (spec.portal !== null) {
    const patientId = patientIds[spec.portal % patientIds.length]!;
    const portal = await harness.app.signedInPatient(recorder, patientId);
    principals.push({ name: `patient of ${patientId.slice(0, 8)}`, accountId: portal.accountId, roles: ["patient"], client: portal.client, practitionerId: undefined, departmentId: undefined, patientId });
  }

  // Consents last: one may refuse the recorder's own purpose of use.
  const consentEntries: Array<BundleEntry & { model: (id: string) => void }> = [];
  for (const [index, patient] of spec.patients.entries()) {
    if (!patient.consent) continue;
    const patientId = patientIds[index]!;
    const facts = {
      kind: "consent" as const,
      status: patient.consent.status,
      organizationId: patient.consent.department === null ? undefined : consentDepartments[patient.consent.department],
      purpose: patient.consent.purpose ?? undefined,
    };
    const content = consentContent(patientId, facts);
    consentEntries.push({ method: "POST", content, model: (id) => modelOf("Consent", id, patientId, content, "N", recorderAuthor, facts) });
  }
  const consentIds = await transaction(recorder.client, consentEntries);
  consentEntries.forEach((entry, n) => entry.model(consentIds[n]!));

  // Emergency grants, asked for by the care-giving principals themselves.
  const breakGlass: World["breakGlass"] = [];
  for (const [position, patientIndex] of spec.breakGlass) {
    const principal = principals[position % staff.length]!;
    const patientId = patientIds[patientIndex % patientIds.length]!;
    if (!principal.roles.some((role) => role === "doctor" || role === "nurse" || role === "pharmacist")) continue;
    if (breakGlass.some((grant) => grant.accountId === principal.accountId && grant.patientId === patientId)) continue;
    const granted = await principal.client.post("/api/break-glass", { patientId, reason: "Collapsed in the waiting room, history needed now" });
    if (granted.status !== 201) throw new Error(`break-glass failed: ${granted.status} ${granted.text}`);
    breakGlass.push({ accountId: principal.accountId, patientId });
  }

  return { tag, principals, patients, records, breakGlass };
}
