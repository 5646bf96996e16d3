import { isDeepStrictEqual } from "node:util";
import type { RecordAction } from "../../src/access/index.js";
import type { TestResponse } from "../../src/testing/index.js";
import type { Oracle } from "./oracle.js";
import { clinicalContent, labelOf, withLabel, type Content } from "./resources.js";
import { createdTypes, currentVersion, sampledTypes, type Label, type ModelRecord, type RequestKind, type RequestSpec, type World } from "./world.js";

// Sends one generated request of a world and compares the answer with what the oracle expects; a successful write
// changes the model as it changed the service, so later requests are judged against the world as it now is.

const fhir = { contentType: "application/fhir+json" };
const base = "/fhir/R4";

export interface Outcome {
  kind: RequestKind | "everything" | "invite";
  allowed: boolean;
  /** Empty when the answer is the expected one. */
  mismatch: string | undefined;
}

type Bundle = { resourceType?: string; type?: string; entry?: Array<{ resource?: { id?: string }; search?: { mode?: string }; response?: { etag?: string } }> };

/** Why `body` is not `record` as of the version labelled `label`, if it is not. */
function bodyMismatch(body: unknown, record: ModelRecord, label: Label): string | undefined {
  const resource = (body ?? {}) as Record<string, unknown> & { meta?: { security?: Array<{ system?: string; code?: string }> } };
  if (resource["resourceType"] !== record.type || resource["id"] !== record.id) return `body is ${String(resource["resourceType"])}/${String(resource["id"])}, not the record`;
  const differing = Object.keys(record.content).filter((key) => !isDeepStrictEqual(resource[key], record.content[key]));
  if (differing.length > 0) return `body differs from the record in ${differing.join(", ")}`;
  if (labelOf(resource) !== label) return `body labelled ${labelOf(resource)}, record ${label}`;
  return undefined;
}

const isOperationOutcome = (response: TestResponse) => response.json?.resourceType === "OperationOutcome";

/**
 * Sends `request` as its principal and judges the answer.
 * `refusedReadStatus` is the status of a read, vread or history the caller may not make.
 */
export async function perform(world: World, request: RequestSpec, oracle: Oracle, refusedReadStatus: number): Promise<Outcome | undefined> {
  const principal = world.principals[request.principal % world.principals.length]!;
  const targets = world.records.filter((record) => (sampledTypes as readonly string[]).includes(record.type));
  const record = targets[request.record % targets.length]!;
  const patientOf = (patientId: string) => world.records.find((candidate) => candidate.type === "Patient" && candidate.id === patientId)!;
  const expects = (action: RecordAction, about: { type: string; id: string; patientId: string }, label: Label) => oracle(world, principal, action, { ...about, label });
  const report = (what: string, allowed: boolean, response: TestResponse, expected: string) =>
    `${principal.name} ${what}: expected ${expected} (${allowed ? "allowed" : "refused"}), got ${response.status} ${response.text.slice(0, 160)}`;
  const recordName = (target: ModelRecord) =>
    `${target.type}/${target.id.slice(0, 8)}[${currentVersion(target).label}${currentVersion(target).deleted ? ", deleted" : ""}] of patient ${world.patients.findIndex((patient) => patient.id === target.patientId)}`;

  switch (request.kind) {
    case "read": {
      const current = currentVersion(record);
      const allowed = expects("read", record, current.label);
      const response = await principal.client.get(`${base}/${record.type}/${record.id}`);
      const expected = allowed ? (current.deleted ? 410 : 200) : refusedReadStatus;
      const mismatch =
        response.status !== expected ? report(`read ${recordName(record)}`, allowed, response, String(expected))
        : expected === 200 ? bodyMismatch(response.json, record, current.label)
        : isOperationOutcome(response) ? undefined
        : `read ${recordName(record)}: ${expected} without an OperationOutcome`;
      return { kind: "read", allowed, mismatch };
    }
    case "vread": {
      const first = record.versions[0]!;
      const allowed = expects("read", record, first.label);
      const response = await principal.client.get(`${base}/${record.type}/${record.id}/_history/1`);
      const expected = allowed ? 200 : refusedReadStatus;
      const mismatch =
        response.status !== expected ? report(`vread 1 of ${recordName(record)}`, allowed, response, String(expected))
        : expected === 200 ? bodyMismatch(response.json, record, first.label)
        : isOperationOutcome(response) ? undefined
        : `vread ${recordName(record)}: ${expected} without an OperationOutcome`;
      return { kind: "vread", allowed, mismatch };
    }
    case "history": {
      const allowed = expects("read", record, currentVersion(record).label);
      const response = await principal.client.get(`${base}/${record.type}/${record.id}/_history`);
      const expected = allowed ? 200 : refusedReadStatus;
      if (response.status !== expected) return { kind: "history", allowed, mismatch: report(`history of ${recordName(record)}`, allowed, response, String(expected)) };
      if (!allowed) return { kind: "history", allowed, mismatch: isOperationOutcome(response) ? undefined : `history ${recordName(record)}: refused without an OperationOutcome` };
      // Newest first; a version labelled beyond what the caller may read is left out.
      const versions = record.versions.flatMap((version, index) => (expects("read", record, version.label) ? [`W/"${index + 1}"`] : [])).reverse();
      const shown = ((response.json as Bundle).entry ?? []).map((entry) => entry.response?.etag);
      return { kind: "history", allowed, mismatch: isDeepStrictEqual(shown, versions) ? undefined : `${principal.name} history of ${recordName(record)}: versions ${shown.join(" ")}, expected ${versions.join(" ")}` };
    }
    case "search": {
      const patient = world.patients[request.patient % world.patients.length]!;
      const type = sampledTypes[request.type % sampledTypes.length]!;
      const query = type === "Patient" ? `_id=${patient.id}` : `patient=${patient.id}`;
      const candidates = world.records.filter((candidate) => candidate.type === type && candidate.patientId === patient.id && !currentVersion(candidate).deleted);
      const visible = candidates.filter((candidate) => expects("search", candidate, currentVersion(candidate).label)).map((candidate) => candidate.id).sort();
      const response = await principal.client.get(`${base}/${type}?${query}&_count=100`);
      const bundle = response.json as Bundle;
      const found = (bundle?.entry ?? []).filter((entry) => entry.search?.mode === "match").map((entry) => entry.resource?.id ?? "").sort();
      const what = `search ${type} of patient ${world.patients.indexOf(patient)}`;
      const mismatch =
        response.status !== 200 || bundle.type !== "searchset" ? report(what, true, response, "200 searchset")
        : isDeepStrictEqual(found, visible) ? undefined
        : `${principal.name} ${what}: found [${found.map((id) => id.slice(0, 8)).join(" ")}], the policies allow [${visible.map((id) => id.slice(0, 8)).join(" ")}] of [${candidates.map(recordName).join("; ")}]`;
      return { kind: "search", allowed: visible.length > 0, mismatch };
    }
    case "create": {
      const patient = world.patients[request.patient % world.patients.length]!;
      // A compartment whose Patient is deleted takes no new records whoever asks; not an access question.
      if (currentVersion(patientOf(patient.id)).deleted) return undefined;
      const type = createdTypes[request.type % createdTypes.length]!;
      const content = clinicalContent(type, `Patient/${patient.id}`);
      const allowed = expects("create", { type, id: "new", patientId: patient.id }, request.label);
      const response = await principal.client.post(`${base}/${type}`, withLabel(content, request.label), fhir);
      const what = `create ${type}[${request.label}] for patient ${world.patients.indexOf(patient)}`;
      if (response.status === 201) {
        const facts = type === "Encounter" ? { kind: "encounter" as const, status: String(content["status"]), practitioners: [], departmentId: undefined } : { kind: "none" as const };
        const created: ModelRecord = { type, id: String(response.json?.id), patientId: patient.id, content, versions: [{ label: request.label, deleted: false }], author: { accountId: principal.accountId, role: principal.roles[0]! }, facts };
        world.records.push(created);
        return { kind: "create", allowed, mismatch: allowed ? bodyMismatch(response.json, created, request.label) : report(what, allowed, response, "403") };
      }
      return { kind: "create", allowed, mismatch: allowed ? report(what, allowed, response, "201") : refusal(response, what) };
    }
    case "update": {
      if (record.type !== "Patient" && currentVersion(patientOf(record.patientId)).deleted) return undefined;
      const current = currentVersion(record);
      const allowed = expects("update", record, current.label);
      const response = await principal.client.request("PUT", `${base}/${record.type}/${record.id}`, { body: withLabel(record.content as Content, current.label, record.id), contentType: fhir.contentType });
      const what = `update (unchanged) ${recordName(record)}`;
      if (response.status === 200) {
        if (record.type === "Patient" && current.deleted) world.patients.find((patient) => patient.id === record.id)!.registrar = { accountId: principal.accountId, role: principal.roles[0]! };
        record.versions.push({ label: current.label, deleted: false });
        return { kind: "update", allowed, mismatch: allowed ? bodyMismatch(response.json, record, current.label) : report(what, allowed, response, "403") };
      }
      // A record the caller may not even read answers as an id that does not exist would (405: no update-as-create).
      return { kind: "update", allowed, mismatch: allowed ? report(what, allowed, response, "200") : refusal(response, what, expects("read", record, current.label) ? 403 : 405) };
    }
    case "delete": {
      const current = currentVersion(record);
      const allowed = expects("delete", record, current.label);
      const response = await principal.client.request("DELETE", `${base}/${record.type}/${record.id}`);
      const what = `delete ${recordName(record)}`;
      if (response.status === 204) {
        if (!current.deleted) record.versions.push({ label: current.label, deleted: true });
        return { kind: "delete", allowed, mismatch: allowed ? undefined : report(what, allowed, response, "403") };
      }
      return { kind: "delete", allowed, mismatch: allowed ? report(what, allowed, response, "204") : refusal(response, what, expects("read", record, current.label) ? 403 : 404) };
    }
  }

  function refusal(response: TestResponse, what: string, status = 403): string | undefined {
    if (response.status === status && isOperationOutcome(response)) return undefined;
    return report(what, false, response, `${status} OperationOutcome`);
  }
}

/**
 * Asks for everything in one patient's record (Patient/$everything) as one principal: refused as a read of the
 * Patient when that read is refused, otherwise exactly the current records of the compartment the policies let the
 * principal read, care teams and consents included.
 */
export async function performEverything(world: World, principal: World["principals"][number], patientIndex: number, oracle: Oracle, refusedReadStatus: number): Promise<Outcome> {
  const patient = world.patients[patientIndex]!;
  const registration = world.records.find((record) => record.type === "Patient" && record.id === patient.id)!;
  const readable = (record: ModelRecord) => oracle(world, principal, "read", { type: record.type, id: record.id, patientId: record.patientId, label: currentVersion(record).label });
  const allowed = readable(registration);
  const response = await principal.client.get(`${base}/Patient/${patient.id}/$everything`);
  const what = `${principal.name} $everything of patient ${patientIndex}`;
  const expectedStatus = !allowed ? refusedReadStatus : currentVersion(registration).deleted ? 410 : 200;
  if (response.status !== expectedStatus) return { kind: "everything", allowed, mismatch: `${what}: expected ${expectedStatus}, got ${response.status} ${response.text.slice(0, 160)}` };
  if (expectedStatus !== 200) return { kind: "everything", allowed, mismatch: isOperationOutcome(response) ? undefined : `${what}: ${expectedStatus} without an OperationOutcome` };
  const compartment = world.records.filter((record) => record.patientId === patient.id && !currentVersion(record).deleted);
  const expected = compartment.filter(readable).map((record) => `${record.type}/${record.id}`).sort();
  const found = ((response.json as Bundle).entry ?? []).map((entry) => `${(entry.resource as { resourceType?: string } | undefined)?.resourceType}/${entry.resource?.id}`).sort();
  const short = (names: string[]) => names.map((name) => name.replace(/^(\w+\/[0-9a-f]{8})[0-9a-f-]*$/, "$1")).join(" ");
  return { kind: "everything", allowed, mismatch: isDeepStrictEqual(found, expected) ? undefined : `${what}: found [${short(found)}], the policies allow [${short(expected)}]` };
}

/** The policies' answer to "may this principal invite this patient to the portal?", given the world's facts. */
export type InviteOracle = (world: World, principal: World["principals"][number], patientId: string) => boolean;

/**
 * A portal invitation is a grant: the principal asks to invite the patient, and the answer must follow the policies
 * (403 when they refuse; otherwise an invitation, or a clear refusal that is not about permission: the patient has
 * no e-mail on record, already has an account, or the record is closed to the inviter by consent). Each invitation
 * made is returned, so the trail can be checked for its grant entry.
 */
export async function performInvitation(
  world: World,
  principal: World["principals"][number],
  patientIndex: number,
  mayInvite: InviteOracle,
): Promise<Outcome & { invitationId?: string; patientId: string }> {
  const patient = world.patients[patientIndex]!;
  const allowed = mayInvite(world, principal, patient.id);
  const response = await principal.client.post("/api/patient-invitations", { patientId: patient.id });
  const what = `${principal.name} invites patient ${patientIndex} to the portal`;
  if (!allowed) return { kind: "invite", allowed, patientId: patient.id, mismatch: response.status === 403 ? undefined : `${what}: expected 403 (refused), got ${response.status} ${response.text.slice(0, 160)}` };
  if (response.status === 201) return { kind: "invite", allowed, patientId: patient.id, invitationId: response.json.invitationId as string, mismatch: response.json.token || response.json.invitationUrl ? `${what}: the answer carries the link` : undefined };
  const notAboutPermission = [404, 409, 422].includes(response.status);
  return { kind: "invite", allowed, patientId: patient.id, mismatch: notAboutPermission ? undefined : `${what}: expected 201 or a refusal other than permission (allowed), got ${response.status} ${response.text.slice(0, 160)}` };
}
