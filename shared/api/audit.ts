import { z } from "zod";

/** An empty form field means "no condition": the UI and a hand-written query may send `?patientId=`. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

export const auditOutcome = z.enum(["success", "denied", "failure"]);
export type AuditOutcomeCode = z.infer<typeof auditOutcome>;

/** Largest page the audit search answers; the CSV export pages through every match instead. */
export const maxAuditPageSize = 500;

/** Conditions of an audit search (query string). `from` is inclusive, `to` exclusive; results are newest first. */
export const auditFilterQuery = z.object({
  accountId: optional(z.string().trim().regex(/^[A-Za-z0-9-]{1,64}$/)),
  /** A Patient resource id (FHIR id). */
  patientId: optional(z.string().trim().regex(/^[A-Za-z0-9\-.]{1,64}$/)),
  /** An exact action such as `fhir.read`, or a prefix ending in a dot such as `fhir.`. */
  action: optional(z.string().trim().regex(/^[a-z_][a-z_.]*$/).max(64)),
  outcome: optional(auditOutcome),
  /** ISO 8601 date-time with an offset, e.g. `2026-04-01T00:00:00+09:00`. */
  from: optional(z.iso.datetime({ offset: true })),
  to: optional(z.iso.datetime({ offset: true })),
});
export type AuditFilterQuery = z.infer<typeof auditFilterQuery>;

export const auditSearchQuery = auditFilterQuery.extend({
  limit: optional(z.coerce.number().int().min(1).max(maxAuditPageSize)),
  /** Paging cursor: entries with a sequence number below this one (the previous page's `nextCursor`). */
  before: optional(z.coerce.number().int().min(1)),
});
export type AuditSearchQuery = z.infer<typeof auditSearchQuery>;

/** One audit entry as the security officer sees it: identifiers only, never medical content. */
export const auditEntryView = z.object({
  seq: z.number(),
  /** ISO 8601, UTC. */
  at: z.string(),
  action: z.string(),
  outcome: auditOutcome,
  reasonCode: z.string().optional(),
  accountId: z.string().optional(),
  roles: z.array(z.string()),
  sessionId: z.string().optional(),
  resourceType: z.string().optional(),
  resourceId: z.string().optional(),
  patientId: z.string().optional(),
  ip: z.string(),
  userAgent: z.string(),
  breakGlass: z.boolean().optional(),
});
export type AuditEntryView = z.infer<typeof auditEntryView>;

export const auditSearchResponse = z.object({
  entries: z.array(auditEntryView),
  /** Present when older entries match: pass it as `before` for the next page. */
  nextCursor: z.number().optional(),
});
export type AuditSearchResponse = z.infer<typeof auditSearchResponse>;
