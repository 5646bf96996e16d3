import { z } from "zod";

/** Where a browser session stands: each stage allows only the next step of sign-in. */
export const sessionStage = z.enum(["anonymous", "mfa_required", "enrolment_required", "active"]);
export type SessionStage = z.infer<typeof sessionStage>;

/** Roles of staff accounts, which administrators invite. */
export const staffRole = z.enum(["admin", "doctor", "security_officer", "nurse", "pharmacist", "clerk"]);
export type StaffRole = z.infer<typeof staffRole>;

/** Every role; `patient` accounts are invited by a clinician for one Patient record (PHR portal). */
export const role = z.enum([...staffRole.options, "patient"]);
export type Role = z.infer<typeof role>;

export const sessionView = z.object({
  stage: sessionStage,
  account: z
    .object({
      id: z.string(),
      displayName: z.string(),
      roles: z.array(role),
      /** For a patient account: the Patient record it belongs to. */
      patientId: z.string().optional(),
    })
    .optional(),
  /** Milliseconds since the epoch; the UI warns one minute before the idle limit. */
  idleExpiresAt: z.number().optional(),
  absoluteExpiresAt: z.number().optional(),
  /** At stage mfa_required: the second factors the account can answer with. */
  secondFactors: z.array(z.enum(["totp", "passkey"])).optional(),
});
export type SessionView = z.infer<typeof sessionView>;
