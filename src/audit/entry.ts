/**
 * One audit entry: who did what to which record of which patient, when, from where, and with what outcome.
 * Modelled on IHE Basic Audit Log Patterns and FHIR AuditEvent; identifiers only, never medical content.
 */
export interface AuditEntry {
  /** e.g. `fhir.read`, `fhir.create`, `auth.sign_in`, `auth.totp`, `auth.sign_out`, `identity.invite`. */
  action: string;
  outcome: AuditOutcome;
  /** Why the decision went as it did, e.g. `access.admin_no_clinical` (habit 11: decisions carry reason codes). */
  reasonCode?: string | undefined;
  actor: { accountId?: string | undefined; roles?: readonly string[] | undefined; sessionId?: string | undefined; client?: string | undefined };
  resource?: { type: string; id?: string | undefined; version?: string | undefined } | undefined;
  patientId?: string | undefined;
  network: { ip: string; userAgent: string };
  requestId?: string | undefined;
  breakGlass?: boolean | undefined;
  /** Request inspection findings (`waf.block`, `waf.detect`): rule ids and where they matched, never the value. */
  inspection?: InspectionFinding | undefined;
  /** On an `access.grant` entry: who gained (or lost) which future access to the entry's patient, or which roles. */
  grant?: AccessGrant | undefined;
}

/**
 * An action that changes who may later read a patient's data (or what an account may do) is recorded as a grant of
 * its own, beside the action's entry and in the same transaction, so the trail answers "who gave whom access to
 * whom" without reinterpreting resource writes. The entry's `patientId` is the patient concerned (none for roles).
 */
export interface AccessGrant {
  kind: AccessGrantKind;
  change: "granted" | "revoked" | "lowered";
  /** Who gains or loses the access: an account, a Practitioner, a department (Organization) or a pending invitation. */
  grantee: { accountId?: string | undefined; practitionerId?: string | undefined; organizationId?: string | undefined; invitationId?: string | undefined };
  /** For `role`: the roles added or removed. */
  roles?: readonly string[] | undefined;
  /** For a change a second person approved (two-person rule): who asked for it; the entry's actor approved it. */
  requestedBy?: { accountId: string } | undefined;
  /** For `label`: the confidentiality before and after (v3-Confidentiality codes). */
  label?: { from: string; to: string } | undefined;
}

export type AccessGrantKind = "portal_invitation" | "portal_account" | "role" | "care_team" | "encounter" | "department" | "consent" | "label" | "break_glass" | "practitioner_link";

/** What the WAF found: the value itself is represented only by its SHA-256, so the entry carries no content. */
export interface InspectionFinding {
  incidentId: string;
  score: number;
  ruleIds: string[];
  /** Each rule that fired and where. */
  matches: Array<{
    ruleId: string;
    /** e.g. `query:name`, `form:name`, `body:code.coding[0].display` (JSON path), `header:user-agent`. */
    location: string;
    /** SHA-256 (hex) of the raw matched value, to recognise a repeated payload without keeping it. */
    valueSha256: string;
  }>;
}

export type AuditOutcome = "success" | "denied" | "failure";

/** An entry as stored: with its sequence number and the time it happened. */
export interface RecordedAuditEntry extends AuditEntry {
  seq: number;
  at: string;
}
