import { z } from "zod";
import { role } from "./session.js";

export const loginRequest = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(1024),
});
export type LoginRequest = z.infer<typeof loginRequest>;

export const totpCode = z.string().regex(/^\d{6}$/);
export const totpVerifyRequest = z.object({ code: totpCode });
export type TotpVerifyRequest = z.infer<typeof totpVerifyRequest>;

export const totpEnrolmentStart = z.object({
  /** Base32 secret, for typing into an authenticator app by hand. */
  secret: z.string(),
  otpauthUri: z.string(),
  /** The otpauth URI as an SVG QR code, as a data: URL for an <img>. */
  qrCodeDataUrl: z.string(),
});
export type TotpEnrolmentStart = z.infer<typeof totpEnrolmentStart>;

export const acceptInvitationRequest = z.object({
  token: z.string().min(20).max(200),
  email: z.string().trim().toLowerCase().email().max(254),
  displayName: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(1024),
  /** For a patient invitation: the one-time code the inviting clinician handed over in person. */
  code: z.string().trim().min(1).max(32).optional(),
});
export type AcceptInvitationRequest = z.infer<typeof acceptInvitationRequest>;

export const invitationView = z.object({
  role: role,
  /** Set when the inviter fixed the e-mail address. */
  email: z.string().optional(),
  expiresAt: z.number(),
  /** True for a patient invitation: acceptance needs the one-time code handed over by the clinician. */
  codeRequired: z.boolean().optional(),
});
export type InvitationView = z.infer<typeof invitationView>;
