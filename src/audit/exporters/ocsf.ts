import type { AuditOutcome, RecordedAuditEntry } from "../entry.js";

/** An OCSF 1.3 event as Mamori emits it: Authentication (3002) or API Activity (6003). */
export type OcsfEvent = Record<string, unknown> & {
  class_uid: 3002 | 6003;
  category_uid: 3 | 6;
  activity_id: number;
  type_uid: number;
  time: number;
  severity_id: number;
  status_id: 1 | 2;
  metadata: {
    uid: string;
    sequence: number;
    version: string;
    product: { name: string; vendor_name: string };
    event_code: string;
    correlation_uid?: string;
  };
};

const schemaVersion = "1.3.0";
const product = { name: "Mamori", vendor_name: "Mamori" };

// OCSF 1.3 activity enums: Authentication (iam/authentication.json) and API Activity (application/api.json).
const authenticationActivities: Record<string, { id: number; name: string }> = {
  "auth.password": { id: 1, name: "Logon" },
  "auth.totp": { id: 1, name: "Logon" },
  "auth.totp_enrolment": { id: 1, name: "Logon" },
  "auth.sign_out": { id: 2, name: "Logoff" },
  "auth.session_end": { id: 2, name: "Logoff" },
};
const apiActivities: Record<string, { id: number; name: string }> = {
  create: { id: 1, name: "Create" },
  read: { id: 2, name: "Read" },
  vread: { id: 2, name: "Read" },
  search: { id: 2, name: "Read" },
  history: { id: 2, name: "Read" },
  update: { id: 3, name: "Update" },
  patch: { id: 3, name: "Update" },
  delete: { id: 4, name: "Delete" },
};
const otherActivity = { id: 99, name: "Other" };

/**
 * Maps a stored audit entry to an OCSF 1.3 event: `auth.*` actions to Authentication (3002), everything else to
 * API Activity (6003). Only the entry's own fields are carried over, so the event holds identifiers and never
 * medical content; the sequence number is the event uid so a receiver can de-duplicate.
 */
export function toOcsfEvent(entry: RecordedAuditEntry): OcsfEvent {
  const isAuthentication = entry.action.startsWith("auth.");
  const classUid = isAuthentication ? 3002 : 6003;
  const activity = isAuthentication
    ? (authenticationActivities[entry.action] ?? otherActivity)
    : (apiActivities[entry.action.slice(entry.action.lastIndexOf(".") + 1)] ?? otherActivity);
  const className = isAuthentication ? "Authentication" : "API Activity";
  const severity = severityOf(entry);
  const status = entry.outcome === "success" ? { id: 1 as const, name: "Success" } : { id: 2 as const, name: "Failure" };
  const accountId = entry.actor.accountId;
  const user = accountId === undefined ? undefined : { uid: accountId };

  return {
    class_uid: classUid,
    class_name: className,
    category_uid: isAuthentication ? 3 : 6,
    category_name: isAuthentication ? "Identity & Access Management" : "Application Activity",
    activity_id: activity.id,
    activity_name: activity.name,
    type_uid: classUid * 100 + activity.id,
    type_name: `${className}: ${activity.name}`,
    time: Date.parse(entry.at),
    severity_id: severity.id,
    severity: severity.name,
    status_id: status.id,
    status: status.name,
    ...(entry.reasonCode === undefined ? {} : { status_detail: entry.reasonCode }),
    actor: {
      ...(user === undefined ? {} : { user }),
      ...(entry.actor.sessionId === undefined ? {} : { session: { uid: entry.actor.sessionId } }),
    },
    src_endpoint: { ip: entry.network.ip },
    http_request: { user_agent: entry.network.userAgent },
    // Authentication requires the authenticated user and a service; API Activity requires the api object.
    ...(isAuthentication
      ? { user: user ?? {}, service: { name: product.name } }
      : { api: { operation: entry.action, ...(entry.requestId === undefined ? {} : { request: { uid: entry.requestId } }) } }),
    ...(entry.resource === undefined ? {} : { resources: [resourceOf(entry.resource)] }),
    metadata: {
      product,
      version: schemaVersion,
      uid: String(entry.seq),
      sequence: entry.seq,
      event_code: entry.action,
      ...(entry.requestId === undefined ? {} : { correlation_uid: entry.requestId }),
    },
    unmapped: {
      ...(entry.patientId === undefined ? {} : { patient_id: entry.patientId }),
      ...(entry.actor.roles === undefined ? {} : { roles: [...entry.actor.roles] }),
      break_glass: entry.breakGlass === true,
    },
  };
}

function resourceOf(resource: NonNullable<RecordedAuditEntry["resource"]>): Record<string, string> {
  return {
    type: resource.type,
    ...(resource.id === undefined ? {} : { uid: resource.id }),
    ...(resource.version === undefined ? {} : { version: resource.version }),
  };
}

// OCSF severity_id: 1 Informational, 2 Low, 3 Medium. A refusal or a break-glass access is worth a look.
function severityOf(entry: { outcome: AuditOutcome; breakGlass?: boolean | undefined }): { id: number; name: string } {
  if (entry.outcome === "denied" || entry.breakGlass === true) return { id: 3, name: "Medium" };
  if (entry.outcome === "failure") return { id: 2, name: "Low" };
  return { id: 1, name: "Informational" };
}
