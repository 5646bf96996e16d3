import { z } from "zod";

/** Where a browser session stands: each stage allows only the next step of sign-in. */
export const sessionStage = z.enum(["anonymous", "mfa_required", "enrolment_required", "active"]);
export type SessionStage = z.infer<typeof sessionStage>;

export const role = z.enum(["admin", "doctor", "security_officer"]);
export type Role = z.infer<typeof role>;

export const sessionView = z.object({
  stage: sessionStage,
  account: z
    .object({ id: z.string(), displayName: z.string(), roles: z.array(role) })
    .optional(),
  /** Milliseconds since the epoch; the UI warns one minute before the idle limit. */
  idleExpiresAt: z.number().optional(),
  absoluteExpiresAt: z.number().optional(),
});
export type SessionView = z.infer<typeof sessionView>;
