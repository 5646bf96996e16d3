import { z } from "zod";

/** Who changed an alert's state, when, and why. */
const stateChange = z.object({ by: z.string(), at: z.string(), note: z.string() });

/** One intrusion detection alert as the security officer's queue shows it: identifiers and audit seqs only. */
export const idsAlertView = z.object({
  id: z.string(),
  ruleId: z.string(),
  severity: z.enum(["low", "medium", "high", "critical"]),
  description: z.object({ ja: z.string(), en: z.string() }),
  accountId: z.string().optional(),
  ip: z.string().optional(),
  /** Sequence numbers of the audit entries that show the pattern (open them in the audit log). */
  evidence: z.array(z.number().int()),
  state: z.enum(["open", "acknowledged", "closed"]),
  openedAt: z.string(),
  updatedAt: z.string(),
  acknowledged: stateChange.optional(),
  closed: stateChange.optional(),
});
export type IdsAlertView = z.infer<typeof idsAlertView>;

export const idsAlertsQuery = z.object({ state: z.enum(["open", "acknowledged", "closed"]).optional(), limit: z.coerce.number().int().min(1).max(500).optional() });
export const idsAlertsResponse = z.object({ alerts: z.array(idsAlertView) });
export type IdsAlertsResponse = z.infer<typeof idsAlertsResponse>;

export const idsIdParams = z.object({ id: z.uuid() });
export const idsAlertStateRequest = z.object({ state: z.enum(["acknowledged", "closed"]), note: z.string().trim().max(1000).default("") });
export type IdsAlertStateRequest = z.infer<typeof idsAlertStateRequest>;

/** A locked account or a blocked address in force. */
export const idsRestrictionView = z.object({
  id: z.string(),
  kind: z.enum(["account", "ip"]),
  subject: z.string(),
  createdAt: z.string(),
  until: z.string(),
  /** The rule whose alert caused it. */
  reason: z.string(),
  alertId: z.string().optional(),
});
export type IdsRestrictionView = z.infer<typeof idsRestrictionView>;
export const idsRestrictionsResponse = z.object({ restrictions: z.array(idsRestrictionView) });

/** The watch list: patients whose every record access raises an alert. */
export const watchListEntry = z.object({ patientId: z.string(), label: z.string(), addedBy: z.string(), addedAt: z.string() });
export const watchListResponse = z.object({ patients: z.array(watchListEntry) });
export const watchListAddRequest = z.object({ patientId: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/), label: z.string().trim().min(1).max(100) });
export const watchListParams = z.object({ patientId: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/) });
