import type { Environment } from "./schema.js";

export type IdsResponseKind = "none" | "require_step_up" | "revoke_sessions" | "lock_account" | "block_ip";
export type IdsRuleName = "mass_patient_read" | "unusual_hours" | "new_network" | "watch_list_access" | "repeated_denials" | "refresh_token_reuse" | "dormant_sign_in" | "bulk_export" | "break_glass" | "role_gained" | "label_lowered" | "care_relation_by_non_clinician" | "portal_invitation_outside_care";

/** Intrusion detection settings, as the ids module is given them. */
export interface IdsSettings {
  enabled: boolean;
  batchSize: number;
  pollMs: number;
  thresholds: {
    massReadPatients: number;
    massReadMinutes: number;
    unusualHoursHistoryDays: number;
    unusualHoursMinDays: number;
    timeZone: string;
    newNetworkDays: number;
    denials: number;
    denialsMinutes: number;
    dormantDays: number;
    bulkReads: number;
    bulkReadMinutes: number;
  };
  rules: Record<IdsRuleName, { enabled: boolean; response: IdsResponseKind; responseMinutes: number }>;
  webhook?: { url: string; secret: string };
}

export function idsSettings(e: Environment): IdsSettings {
  const rule = (enabled: "true" | "false", response: IdsResponseKind, responseMinutes: number) => ({ enabled: enabled === "true", response, responseMinutes });
  return {
    enabled: e.MAMORI_IDS_ENABLED === "true",
    batchSize: e.MAMORI_IDS_BATCH_SIZE,
    pollMs: e.MAMORI_IDS_POLL_MS,
    thresholds: {
      massReadPatients: e.MAMORI_IDS_MASS_READ_PATIENTS,
      massReadMinutes: e.MAMORI_IDS_MASS_READ_MINUTES,
      unusualHoursHistoryDays: e.MAMORI_IDS_UNUSUAL_HOURS_HISTORY_DAYS,
      unusualHoursMinDays: e.MAMORI_IDS_UNUSUAL_HOURS_MIN_DAYS,
      timeZone: e.MAMORI_IDS_TIME_ZONE,
      newNetworkDays: e.MAMORI_IDS_NEW_NETWORK_DAYS,
      denials: e.MAMORI_IDS_DENIALS,
      denialsMinutes: e.MAMORI_IDS_DENIALS_MINUTES,
      dormantDays: e.MAMORI_IDS_DORMANT_DAYS,
      bulkReads: e.MAMORI_IDS_BULK_READS,
      bulkReadMinutes: e.MAMORI_IDS_BULK_READ_MINUTES,
    },
    rules: {
      mass_patient_read: rule(e.MAMORI_IDS_MASS_PATIENT_READ_ENABLED, e.MAMORI_IDS_MASS_PATIENT_READ_RESPONSE, e.MAMORI_IDS_MASS_PATIENT_READ_RESPONSE_MINUTES),
      unusual_hours: rule(e.MAMORI_IDS_UNUSUAL_HOURS_ENABLED, e.MAMORI_IDS_UNUSUAL_HOURS_RESPONSE, e.MAMORI_IDS_UNUSUAL_HOURS_RESPONSE_MINUTES),
      new_network: rule(e.MAMORI_IDS_NEW_NETWORK_ENABLED, e.MAMORI_IDS_NEW_NETWORK_RESPONSE, e.MAMORI_IDS_NEW_NETWORK_RESPONSE_MINUTES),
      watch_list_access: rule(e.MAMORI_IDS_WATCH_LIST_ACCESS_ENABLED, e.MAMORI_IDS_WATCH_LIST_ACCESS_RESPONSE, e.MAMORI_IDS_WATCH_LIST_ACCESS_RESPONSE_MINUTES),
      repeated_denials: rule(e.MAMORI_IDS_REPEATED_DENIALS_ENABLED, e.MAMORI_IDS_REPEATED_DENIALS_RESPONSE, e.MAMORI_IDS_REPEATED_DENIALS_RESPONSE_MINUTES),
      refresh_token_reuse: rule(e.MAMORI_IDS_REFRESH_TOKEN_REUSE_ENABLED, e.MAMORI_IDS_REFRESH_TOKEN_REUSE_RESPONSE, e.MAMORI_IDS_REFRESH_TOKEN_REUSE_RESPONSE_MINUTES),
      dormant_sign_in: rule(e.MAMORI_IDS_DORMANT_SIGN_IN_ENABLED, e.MAMORI_IDS_DORMANT_SIGN_IN_RESPONSE, e.MAMORI_IDS_DORMANT_SIGN_IN_RESPONSE_MINUTES),
      bulk_export: rule(e.MAMORI_IDS_BULK_EXPORT_ENABLED, e.MAMORI_IDS_BULK_EXPORT_RESPONSE, e.MAMORI_IDS_BULK_EXPORT_RESPONSE_MINUTES),
      break_glass: rule(e.MAMORI_IDS_BREAK_GLASS_ENABLED, e.MAMORI_IDS_BREAK_GLASS_RESPONSE, e.MAMORI_IDS_BREAK_GLASS_RESPONSE_MINUTES),
      role_gained: rule(e.MAMORI_IDS_ROLE_GAINED_ENABLED, e.MAMORI_IDS_ROLE_GAINED_RESPONSE, e.MAMORI_IDS_ROLE_GAINED_RESPONSE_MINUTES),
      label_lowered: rule(e.MAMORI_IDS_LABEL_LOWERED_ENABLED, e.MAMORI_IDS_LABEL_LOWERED_RESPONSE, e.MAMORI_IDS_LABEL_LOWERED_RESPONSE_MINUTES),
      care_relation_by_non_clinician: rule(e.MAMORI_IDS_CARE_RELATION_BY_NON_CLINICIAN_ENABLED, e.MAMORI_IDS_CARE_RELATION_BY_NON_CLINICIAN_RESPONSE, e.MAMORI_IDS_CARE_RELATION_BY_NON_CLINICIAN_RESPONSE_MINUTES),
      portal_invitation_outside_care: rule(
        e.MAMORI_IDS_PORTAL_INVITATION_OUTSIDE_CARE_ENABLED,
        e.MAMORI_IDS_PORTAL_INVITATION_OUTSIDE_CARE_RESPONSE,
        e.MAMORI_IDS_PORTAL_INVITATION_OUTSIDE_CARE_RESPONSE_MINUTES,
      ),
    },
    ...(e.MAMORI_IDS_WEBHOOK_URL && e.MAMORI_IDS_WEBHOOK_SECRET ? { webhook: { url: e.MAMORI_IDS_WEBHOOK_URL, secret: e.MAMORI_IDS_WEBHOOK_SECRET } } : {}),
  };
}
