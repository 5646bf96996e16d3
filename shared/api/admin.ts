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

/** An invitation not yet used, expired or revoked, as administrators see it: never its token. Times are epoch ms. */
export const pendingInvitation = z.object({
  id: z.string(),
  email: z.string(),
  role: staffRole,
  expiresAt: z.number(),
  invitedBy: z.object({ id: z.string(), displayName: z.string() }),
});
export type PendingInvitation = z.infer<typeof pendingInvitation>;
export const pendingInvitationList = z.object({ invitations: z.array(pendingInvitation) });
export type PendingInvitationList = z.infer<typeof pendingInvitationList>;
export const invitationParams = z.object({ id: z.uuid() });
