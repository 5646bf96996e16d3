import { z } from "zod";

/** Kinds of incident; unauthorized_access and malware count as "wrongful intent" (60-day final report to the PPC). */
export const incidentKind = z.enum(["unauthorized_access", "malware", "leak", "loss", "misdelivery", "other"]);
export const incidentSeverity = z.enum(["low", "medium", "high", "critical"]);
export const incidentNoteKind = z.enum(["note", "action", "report"]);

const isoDateTime = z.iso.datetime({ offset: true });

/** `POST /api/incidents`. Free text names what happened, never a patient or clinical content. */
export const openIncidentRequest = z.object({
  title: z.string().trim().min(1).max(200),
  kind: incidentKind,
  severity: incidentSeverity,
  /** ISO 8601: when the organisation became aware (the PPC deadlines count from here). */
  detectedAt: isoDateTime,
});
export type OpenIncidentRequest = z.infer<typeof openIncidentRequest>;

export const incidentParams = z.object({ id: z.uuid() });

/** A reporting deadline with the days left (negative once passed). */
export const incidentDeadline = z.object({
  kind: z.enum(["ppc_preliminary", "ppc_final"]),
  due: z.string(),
  latest: z.string(),
  daysRemaining: z.number().int(),
  legalBasis: z.string(),
});

export const incidentSummary = z.object({
  id: z.string(),
  title: z.string(),
  kind: incidentKind,
  severity: incidentSeverity,
  detectedAt: z.string(),
  openedAt: z.string(),
  openedBy: z.string(),
  deadlines: z.array(incidentDeadline),
});
export type IncidentSummary = z.infer<typeof incidentSummary>;

export const incidentListResponse = z.object({ incidents: z.array(incidentSummary) });
export type IncidentListResponse = z.infer<typeof incidentListResponse>;

export const incidentNote = z.object({ id: z.string(), at: z.string(), authorId: z.string(), kind: incidentNoteKind, body: z.string() });
export type IncidentNote = z.infer<typeof incidentNote>;

export const incidentDetailResponse = incidentSummary.extend({
  timeline: z.array(incidentNote),
  mhlwContact: z.object({ name: z.string(), url: z.string() }),
});
export type IncidentDetailResponse = z.infer<typeof incidentDetailResponse>;

/** `POST /api/incidents/:id/notes`: appended, never edited. */
export const incidentNoteRequest = z.object({ kind: incidentNoteKind, body: z.string().trim().min(1).max(4000) });
export type IncidentNoteRequest = z.infer<typeof incidentNoteRequest>;

/** `POST /api/incidents/:id/affected-patients`: whose records one account touched in a window. */
export const affectedPatientsRequest = z.object({ accountId: z.uuid(), from: isoDateTime, to: isoDateTime });
export type AffectedPatientsRequest = z.infer<typeof affectedPatientsRequest>;
export const affectedPatientsResponse = z.object({ count: z.number().int(), patientIds: z.array(z.string()) });
export type AffectedPatientsResponse = z.infer<typeof affectedPatientsResponse>;

/** `POST /api/incidents/:id/revoke-sessions`: every account's web sessions, or one account's. */
export const revokeSessionsRequest = z.object({ accountId: z.uuid().optional() });
export type RevokeSessionsRequest = z.infer<typeof revokeSessionsRequest>;
export const revokeSessionsResponse = z.object({ revoked: z.number().int() });

/** `GET`/`PUT /api/service-mode`: the service-wide read-only switch. */
export const serviceModeResponse = z.object({ readOnly: z.boolean(), changedAt: z.string(), incidentId: z.string().nullable() });
export type ServiceModeResponse = z.infer<typeof serviceModeResponse>;
export const serviceModeRequest = z.object({ readOnly: z.boolean(), incidentId: z.uuid().optional() });
export type ServiceModeRequest = z.infer<typeof serviceModeRequest>;
