import type { RecordedAuditEntry } from "../../audit/index.js";

/** Actions that open a session with a password or federation; the first step of signing in. */
const signInActions = new Set(["auth.password", "auth.sign_in"]);

/** Access to a patient's record (every FHIR interaction names its patient). */
export function isRecordAccess(entry: RecordedAuditEntry): entry is RecordedAuditEntry & { patientId: string; actor: { accountId: string } } {
  return entry.action.startsWith("fhir.") && entry.patientId !== undefined && entry.actor.accountId !== undefined;
}

export function isSignIn(entry: RecordedAuditEntry): entry is RecordedAuditEntry & { actor: { accountId: string } } {
  return signInActions.has(entry.action) && entry.outcome === "success" && entry.actor.accountId !== undefined;
}

/** Whom the rules hold responsible: the account, or the address when no account is known. */
export function subjectOf(entry: RecordedAuditEntry): string {
  return entry.actor.accountId ?? `ip:${entry.network.ip}`;
}

export function timeOf(entry: RecordedAuditEntry): Date {
  return new Date(entry.at);
}

/** Groups entries by a key, keeping seq order within each group. */
export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
