import { z } from "zod";
import { staffRole } from "./session.js";

export const createInvitationRequest = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  role: staffRole,
});
export type CreateInvitationRequest = z.infer<typeof createInvitationRequest>;

export const createInvitationResponse = z.object({
  /** One-time link; the token sits in the fragment so it never reaches a server log. */
  invitationUrl: z.string(),
  expiresAt: z.number(),
});
export type CreateInvitationResponse = z.infer<typeof createInvitationResponse>;
