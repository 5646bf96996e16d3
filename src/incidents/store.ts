import type { Executor } from "../db/index.js";

export const incidentKinds = ["unauthorized_access", "malware", "leak", "loss", "misdelivery", "other"] as const;
export type IncidentKind = (typeof incidentKinds)[number];
export const incidentSeverities = ["low", "medium", "high", "critical"] as const;
export type IncidentSeverity = (typeof incidentSeverities)[number];
export const noteKinds = ["note", "action", "report"] as const;
export type NoteKind = (typeof noteKinds)[number];

type IncidentTables = {
  incident: { id: string; title: string; kind: IncidentKind; severity: IncidentSeverity; detected_at: Date; opened_at: Date; opened_by: string };
  incident_note: { id: string; incident_id: string; at: Date; author_id: string; kind: NoteKind; body: string };
  service_mode: { id: number; read_only: boolean; changed_at: Date; changed_by: string | null; incident_id: string | null };
};

export interface IncidentRow {
  id: string;
  title: string;
  kind: IncidentKind;
  severity: IncidentSeverity;
  detectedAt: Date;
  openedAt: Date;
  openedBy: string;
}

export interface NoteRow {
  id: string;
  at: Date;
  authorId: string;
  kind: NoteKind;
  body: string;
}

export interface ServiceModeRow {
  readOnly: boolean;
  changedAt: Date;
  changedBy: string | null;
  incidentId: string | null;
}

const toIncident = (row: IncidentTables["incident"]): IncidentRow => ({
  id: row.id,
  title: row.title,
  kind: row.kind,
  severity: row.severity,
  detectedAt: new Date(row.detected_at),
  openedAt: new Date(row.opened_at),
  openedBy: row.opened_by,
});

/** SQL of the incidents module. Notes are only ever inserted (a trigger refuses changes, see 0019_incidents.sql). */
export function createIncidentStore(executor: Executor) {
  const db = executor.withTables<IncidentTables>();
  return {
    async insert(row: IncidentRow): Promise<void> {
      await db
        .insertInto("incident")
        .values({ id: row.id, title: row.title, kind: row.kind, severity: row.severity, detected_at: row.detectedAt, opened_at: row.openedAt, opened_by: row.openedBy })
        .execute();
    },
    async get(id: string): Promise<IncidentRow | undefined> {
      const row = await db.selectFrom("incident").selectAll().where("id", "=", id).executeTakeFirst();
      return row && toIncident(row);
    },
    async newestFirst(limit: number): Promise<IncidentRow[]> {
      return (await db.selectFrom("incident").selectAll().orderBy("opened_at", "desc").limit(limit).execute()).map(toIncident);
    },
    async appendNote(incidentId: string, note: NoteRow): Promise<void> {
      await db.insertInto("incident_note").values({ id: note.id, incident_id: incidentId, at: note.at, author_id: note.authorId, kind: note.kind, body: note.body }).execute();
    },
    async notes(incidentId: string): Promise<NoteRow[]> {
      const rows = await db.selectFrom("incident_note").selectAll().where("incident_id", "=", incidentId).orderBy("at").orderBy("id").execute();
      return rows.map((row) => ({ id: row.id, at: new Date(row.at), authorId: row.author_id, kind: row.kind, body: row.body }));
    },
    async serviceMode(): Promise<ServiceModeRow> {
      const row = await db.selectFrom("service_mode").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
      return { readOnly: row.read_only, changedAt: new Date(row.changed_at), changedBy: row.changed_by, incidentId: row.incident_id };
    },
    async setServiceMode(mode: ServiceModeRow): Promise<void> {
      await db
        .updateTable("service_mode")
        .set({ read_only: mode.readOnly, changed_at: mode.changedAt, changed_by: mode.changedBy, incident_id: mode.incidentId })
        .where("id", "=", 1)
        .execute();
    },
  };
}
