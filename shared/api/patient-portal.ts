import { z } from "zod";

/**
 * `POST /api/patient-invitations`: the Patient record only. The invitation goes to the e-mail address on that record,
 * never to one the inviter types, so the request has no e-mail field (the server refuses one with
 * `identity.invitation_email_not_accepted`).
 */
export const invitePatientRequest = z.object({
  patientId: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/),
});
export type InvitePatientRequest = z.infer<typeof invitePatientRequest>;

/**
 * The answer to the inviting clinician: never the link (it is only in the patient's mailbox), but the one-time code
 * to hand to the patient in person, shown once, and where the link went, masked.
 */
export const patientInvitationCreated = z.object({
  invitationId: z.string(),
  /** The one-time code, shown once; the patient types it beside the link. */
  code: z.string(),
  /** The address on the Patient record the link was sent to, masked (`h*****@example.test`). */
  sentTo: z.string(),
  expiresAt: z.number(),
});
export type PatientInvitationCreated = z.infer<typeof patientInvitationCreated>;

/** An e-mail address as shown over a shoulder: its first character, then stars, then the domain. */
export function maskEmailAddress(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "*****";
  return `${email.slice(0, 1)}${"*".repeat(Math.max(3, Math.min(at - 1, 8)))}${email.slice(at)}`;
}

/** One access to the patient's own record, as the patient sees it ("who viewed or changed my record"). */
export const accessHistoryItem = z.object({
  /** The audit entry's number: what to ask for its inclusion proof by (`/api/me/access-history/{seq}/proof`). */
  seq: z.number().int().positive(),
  at: z.string(),
  /** `viewed`, `created`, `changed`, `refused` (an attempt the policy stopped). */
  kind: z.enum(["viewed", "created", "changed", "refused"]),
  /**
   * What exactly was done, so a search is never shown as a change: read, vread (an earlier version), search, history
   * (the version list), everything (the whole record at once), create, update, delete, shred (erased for good), other.
   */
  action: z.enum(["read", "vread", "search", "history", "everything", "create", "update", "delete", "shred", "other"]),
  organisation: z.string(),
  role: z.string(),
  /** Why, as a code the UI translates: `treatment`, `emergency` (break-glass), `self`, `other`. */
  purpose: z.enum(["treatment", "emergency", "self", "other"]),
  /** Present only when the organisation chose to show staff names to patients. */
  staffName: z.string().optional(),
});
export type AccessHistoryItem = z.infer<typeof accessHistoryItem>;

export const accessHistoryResponse = z.object({ items: z.array(accessHistoryItem), nextCursor: z.number().optional() });
export type AccessHistoryResponse = z.infer<typeof accessHistoryResponse>;
