import { z } from "zod";

export const invitePatientRequest = z.object({
  patientId: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/),
  email: z.string().trim().toLowerCase().email().max(254),
});
export type InvitePatientRequest = z.infer<typeof invitePatientRequest>;

/** One access to the patient's own record, as the patient sees it ("who viewed or changed my record"). */
export const accessHistoryItem = z.object({
  at: z.string(),
  /** `viewed`, `created`, `changed`, `refused` (an attempt the policy stopped). */
  kind: z.enum(["viewed", "created", "changed", "refused"]),
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
