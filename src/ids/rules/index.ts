import type { IdsSettings } from "../../config/ids-settings.js";
import type { Rule } from "../types.js";
import { breakGlass } from "./break-glass.js";
import { bulkExport } from "./bulk-export.js";
import { careRelationByNonClinician } from "./care-relation-by-non-clinician.js";
import { dormantSignIn } from "./dormant-sign-in.js";
import { labelLowered } from "./label-lowered.js";
import { massPatientRead } from "./mass-patient-read.js";
import { newNetwork } from "./new-network.js";
import { portalInvitationOutsideCare } from "./portal-invitation-outside-care.js";
import { refreshTokenReuse } from "./refresh-token-reuse.js";
import { repeatedDenials } from "./repeated-denials.js";
import { roleGained } from "./role-gained.js";
import { unusualHours } from "./unusual-hours.js";
import { watchListAccess } from "./watch-list-access.js";

export const ruleIds = ["mass_patient_read", "unusual_hours", "new_network", "watch_list_access", "repeated_denials", "refresh_token_reuse", "dormant_sign_in", "bulk_export", "break_glass", "role_gained", "label_lowered", "care_relation_by_non_clinician", "portal_invitation_outside_care"] as const;
export type RuleId = (typeof ruleIds)[number];

/** The thresholds are configuration (MAMORI_IDS_*): one definition, in the settings the module is given. */
export type RuleThresholds = IdsSettings["thresholds"];

/** Every detection rule, built with its thresholds. */
export function buildRules(t: RuleThresholds): Record<RuleId, Rule> {
  return {
    mass_patient_read: massPatientRead({ patients: t.massReadPatients, minutes: t.massReadMinutes }),
    unusual_hours: unusualHours({ historyDays: t.unusualHoursHistoryDays, minDays: t.unusualHoursMinDays, timeZone: t.timeZone }),
    new_network: newNetwork({ days: t.newNetworkDays }),
    watch_list_access: watchListAccess(),
    repeated_denials: repeatedDenials({ count: t.denials, minutes: t.denialsMinutes }),
    refresh_token_reuse: refreshTokenReuse(),
    dormant_sign_in: dormantSignIn({ days: t.dormantDays }),
    bulk_export: bulkExport({ reads: t.bulkReads, minutes: t.bulkReadMinutes }),
    break_glass: breakGlass(),
    role_gained: roleGained(),
    label_lowered: labelLowered(),
    care_relation_by_non_clinician: careRelationByNonClinician(),
    portal_invitation_outside_care: portalInvitationOutsideCare(),
  };
}
