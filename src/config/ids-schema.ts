import { z } from "zod";

const responses = ["none", "require_step_up", "revoke_sessions", "lock_account", "block_ip"] as const;
const count = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const flag = (fallback: "true" | "false") => z.enum(["true", "false"]).default(fallback);

function ruleKeys<P extends string>(prefix: P, name: string, response: (typeof responses)[number]) {
  return {
    [`MAMORI_IDS_${prefix}_ENABLED`]: flag("true").describe(`Whether the intrusion detection rule \`${name}\` runs.`),
    [`MAMORI_IDS_${prefix}_RESPONSE`]: z
      .enum(responses)
      .default(response)
      .describe(`Automatic response when \`${name}\` raises an alert: none, require_step_up (sessions need the second factor again), revoke_sessions, lock_account or block_ip.`),
    [`MAMORI_IDS_${prefix}_RESPONSE_MINUTES`]: count(60, 30 * 24 * 60).describe(`How long a lock_account or block_ip response of \`${name}\` lasts, in minutes (a security officer can lift it earlier).`),
  } as Record<`MAMORI_IDS_${P}_ENABLED`, ReturnType<typeof flag>> &
    Record<`MAMORI_IDS_${P}_RESPONSE`, z.ZodDefault<z.ZodEnum<{ [K in (typeof responses)[number]]: K }>>> &
    Record<`MAMORI_IDS_${P}_RESPONSE_MINUTES`, ReturnType<typeof count>>;
}

/** Settings of intrusion detection (NET-1, LOG-4): the engine, each rule's thresholds, switch and response, the webhook. */
export const idsEnvironmentShape = {
  MAMORI_IDS_ENABLED: flag("true").describe("Whether this node runs the intrusion detection engine over the audit trail (one node evaluates at a time; the others stand by)."),
  MAMORI_IDS_BATCH_SIZE: count(500, 10_000).describe("Audit entries the intrusion detection engine evaluates per batch (one transaction)."),
  MAMORI_IDS_POLL_MS: count(2_000, 600_000).describe("How often the engine looks for entries appended by other nodes, in milliseconds; entries of this node wake it at once."),
  MAMORI_IDS_TIME_ZONE: z.string().min(1).default("Asia/Tokyo").describe("Time zone in which the usual-hours rule learns each account's working hours (IANA name)."),
  MAMORI_IDS_MASS_READ_PATIENTS: count(30, 100_000).describe("mass_patient_read fires when one account reads more than this many different patients within MAMORI_IDS_MASS_READ_MINUTES."),
  MAMORI_IDS_MASS_READ_MINUTES: count(10, 24 * 60).describe("Window of mass_patient_read, in minutes."),
  MAMORI_IDS_UNUSUAL_HOURS_HISTORY_DAYS: count(30, 365).describe("Days of an account's own access from which unusual_hours learns its usual hours."),
  MAMORI_IDS_UNUSUAL_HOURS_MIN_DAYS: count(5, 365).describe("unusual_hours judges an account once its history spans at least this many days; before that the account is in its baseline period (learning, no alerts)."),
  MAMORI_IDS_NEW_NETWORK_DAYS: count(30, 365).describe("new_network fires on use from a network (/24, /64) the account has not used in this many days."),
  MAMORI_IDS_DENIALS: count(5, 10_000).describe("repeated_denials fires at this many denied requests by one account (or address) within MAMORI_IDS_DENIALS_MINUTES."),
  MAMORI_IDS_DENIALS_MINUTES: count(5, 24 * 60).describe("Window of repeated_denials, in minutes."),
  MAMORI_IDS_DORMANT_DAYS: count(30, 365).describe("dormant_sign_in fires on a sign-in from a never-used network after at least this many days without a sign-in."),
  MAMORI_IDS_BULK_READS: count(500, 1_000_000).describe("bulk_export fires on an export, or when one account makes more than this many record reads within MAMORI_IDS_BULK_READ_MINUTES."),
  MAMORI_IDS_BULK_READ_MINUTES: count(10, 24 * 60).describe("Window of the read-volume part of bulk_export, in minutes."),
  MAMORI_IDS_WEBHOOK_URL: z.url().optional().describe("Alerts are also POSTed here as signed JSON (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature), without medical content. Unset: no webhook."),
  MAMORI_IDS_WEBHOOK_SECRET: z
    .string()
    .min(24)
    .optional()
    .describe("Shared secret of the alert webhook's HMAC-SHA256 signature (`whsec_<base64>` or at least 24 characters). Required with MAMORI_IDS_WEBHOOK_URL."),
  ...ruleKeys("MASS_PATIENT_READ", "mass_patient_read", "require_step_up"),
  ...ruleKeys("UNUSUAL_HOURS", "unusual_hours", "none"),
  ...ruleKeys("NEW_NETWORK", "new_network", "none"),
  ...ruleKeys("WATCH_LIST_ACCESS", "watch_list_access", "none"),
  ...ruleKeys("REPEATED_DENIALS", "repeated_denials", "none"),
  ...ruleKeys("REFRESH_TOKEN_REUSE", "refresh_token_reuse", "revoke_sessions"),
  ...ruleKeys("DORMANT_SIGN_IN", "dormant_sign_in", "require_step_up"),
  ...ruleKeys("BULK_EXPORT", "bulk_export", "none"),
  ...ruleKeys("BREAK_GLASS", "break_glass", "none"),
  ...ruleKeys("ROLE_GAINED", "role_gained", "none"),
  ...ruleKeys("LABEL_LOWERED", "label_lowered", "none"),
  ...ruleKeys("CARE_RELATION_BY_NON_CLINICIAN", "care_relation_by_non_clinician", "none"),
  ...ruleKeys("PORTAL_INVITATION_OUTSIDE_CARE", "portal_invitation_outside_care", "none"),
};
