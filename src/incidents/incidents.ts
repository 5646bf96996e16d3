import type { AffectedPatients, Audit, AuditEntry } from "../audit/index.js";
import { actorOf } from "../audit/index.js";
import type { Database } from "../db/index.js";
import { AppError, newId, type Clock, type Principal } from "../kernel/index.js";
import { mhlwContact, reportingDeadlines, type Deadline } from "./deadlines.js";
import type { ServiceMode } from "./service-mode.js";
import { createIncidentStore, type IncidentKind, type IncidentRow, type IncidentSeverity, type NoteKind, type NoteRow, type ServiceModeRow } from "./store.js";

export interface IncidentDetail extends IncidentRow {
  timeline: NoteRow[];
  deadlines: Deadline[];
  mhlwContact: typeof mhlwContact;
}

export interface IncidentsDeps {
  db: Database;
  audit: Audit;
  clock: Clock;
  serviceMode: ServiceMode;
  affectedPatients: AffectedPatients;
  /** Cedar `manage_incidents` on System (security officers). */
  mayManageIncidents: (principal: Principal) => { allowed: boolean; reasonCode: string };
  /** Ends web sessions (all, or one account's) except `keep`; returns how many ended. */
  revokeSessions: (filter: { accountId?: string | undefined; keep?: string | undefined }, reason: string) => Promise<number>;
}

/** Longest window the affected-patients query accepts, so one request cannot scan years of the trail. */
const maxWindowMs = 366 * 86_400_000;

/**
 * Incident handling for the security officer: records with an append-only timeline, impact from the audit trail,
 * the PPC reporting deadlines, and emergency actions. Every call is authorized and audited (`incident.*`).
 */
export function createIncidents(deps: IncidentsDeps) {
  const store = () => createIncidentStore(deps.db.kysely);
  const now = () => deps.clock.now();

  async function authorize(principal: Principal, action: string, resource: AuditEntry["resource"]): Promise<(extra?: Partial<AuditEntry>) => Promise<void>> {
    const decision = deps.mayManageIncidents(principal);
    const base = { action, actor: actorOf(principal), resource, network: principal.network };
    if (!decision.allowed) {
      await deps.audit.record({ ...base, outcome: "denied", reasonCode: decision.reasonCode });
      throw new AppError("access.denied", { detail: decision.reasonCode });
    }
    return async (extra = {}) => {
      await deps.audit.record({ ...base, outcome: "success", reasonCode: decision.reasonCode, ...extra });
    };
  }

  async function existing(id: string): Promise<IncidentRow> {
    const incident = await store().get(id);
    if (!incident) throw new AppError("incident.not_found");
    return incident;
  }

  return {
    /** Opens an incident. @throws {AppError} `access.denied`. */
    async open(principal: Principal, input: { title: string; kind: IncidentKind; severity: IncidentSeverity; detectedAt: Date }): Promise<IncidentRow & { deadlines: Deadline[] }> {
      const id = newId();
      const done = await authorize(principal, "incident.open", { type: "Incident", id });
      if (input.detectedAt.getTime() > now().getTime()) throw new AppError("incident.detected_in_future");
      const incident: IncidentRow = { id, ...input, openedAt: now(), openedBy: principal.accountId };
      await store().insert(incident);
      await done();
      return { ...incident, deadlines: reportingDeadlines(incident.kind, incident.detectedAt, now()) };
    },

    /** Incidents, newest first. @throws {AppError} `access.denied`. */
    async list(principal: Principal): Promise<Array<IncidentRow & { deadlines: Deadline[] }>> {
      const done = await authorize(principal, "incident.list", { type: "Incident" });
      const incidents = await store().newestFirst(200);
      await done();
      return incidents.map((incident) => ({ ...incident, deadlines: reportingDeadlines(incident.kind, incident.detectedAt, now()) }));
    },

    /** One incident with its timeline and deadlines. @throws {AppError} `access.denied`, `incident.not_found`. */
    async get(principal: Principal, id: string): Promise<IncidentDetail> {
      const done = await authorize(principal, "incident.read", { type: "Incident", id });
      const incident = await existing(id);
      const timeline = await store().notes(id);
      await done();
      return { ...incident, timeline, deadlines: reportingDeadlines(incident.kind, incident.detectedAt, now()), mhlwContact };
    },

    /** Appends a dated note or action to the timeline. @throws {AppError} `access.denied`, `incident.not_found`. */
    async addNote(principal: Principal, id: string, input: { kind: NoteKind; body: string }): Promise<NoteRow> {
      const done = await authorize(principal, "incident.note", { type: "Incident", id });
      await existing(id);
      const note: NoteRow = { id: newId(), at: now(), authorId: principal.accountId, kind: input.kind, body: input.body };
      await store().appendNote(id, note);
      await done();
      return note;
    },

    /**
     * Patients whose records `accountId` accessed successfully in [from, to), from the audit trail; the count goes
     * on the timeline, the ids only to the security officer's screen. @throws {AppError} `access.denied`,
     * `incident.not_found`, `incident.invalid_window`.
     */
    async affectedPatients(principal: Principal, id: string, input: { accountId: string; from: Date; to: Date }): Promise<{ count: number; patientIds: string[] }> {
      const done = await authorize(principal, "incident.affected_patients", { type: "Incident", id });
      await existing(id);
      const span = input.to.getTime() - input.from.getTime();
      if (!(span > 0 && span <= maxWindowMs)) throw new AppError("incident.invalid_window");
      // Entries still in the group-commit batch belong in the answer too.
      await deps.audit.flush();
      const patientIds = await deps.affectedPatients.patientsAccessedBy(input.accountId, input);
      await store().appendNote(id, {
        id: newId(),
        at: now(),
        authorId: principal.accountId,
        kind: "action",
        body: `affected patients: ${patientIds.length} (account ${input.accountId}, ${input.from.toISOString()} – ${input.to.toISOString()})`,
      });
      await done();
      return { count: patientIds.length, patientIds };
    },

    /**
     * Emergency: ends every web session (or one account's), except the officer's own. @throws {AppError}
     * `access.denied`, `incident.not_found`.
     */
    async revokeSessions(principal: Principal, id: string, input: { accountId?: string | undefined }): Promise<{ revoked: number }> {
      const done = await authorize(principal, "incident.sessions_revoked", { type: "Incident", id });
      await existing(id);
      const revoked = await deps.revokeSessions({ accountId: input.accountId, keep: principal.sessionId }, "session.revoked_by_incident");
      await store().appendNote(id, {
        id: newId(),
        at: now(),
        authorId: principal.accountId,
        kind: "action",
        body: `web sessions revoked: ${revoked} (${input.accountId ? `account ${input.accountId}` : "all accounts"})`,
      });
      await done({ reasonCode: input.accountId ? "incident.revoke_account" : "incident.revoke_all" });
      return { revoked };
    },

    /** The service mode (anyone signed in may know whether writes are refused). */
    serviceMode: () => deps.serviceMode.current(),

    /**
     * Switches the service-wide read-only mode on or off. @throws {AppError} `access.denied`,
     * `incident.not_found` when an incident id is given that does not exist.
     */
    async setReadOnly(principal: Principal, input: { readOnly: boolean; incidentId?: string | undefined }): Promise<ServiceModeRow> {
      const done = await authorize(principal, input.readOnly ? "incident.read_only_on" : "incident.read_only_off", { type: "ServiceMode", id: input.incidentId });
      if (input.incidentId) await existing(input.incidentId);
      const mode: ServiceModeRow = { readOnly: input.readOnly, changedAt: now(), changedBy: principal.accountId, incidentId: input.incidentId ?? null };
      await deps.serviceMode.set(mode);
      if (input.incidentId) {
        await store().appendNote(input.incidentId, { id: newId(), at: now(), authorId: principal.accountId, kind: "action", body: input.readOnly ? "service read-only mode on" : "service read-only mode off" });
      }
      await done();
      return mode;
    },
  };
}

export type Incidents = ReturnType<typeof createIncidents>;
