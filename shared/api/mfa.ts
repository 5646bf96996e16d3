import { z } from "zod";
import { sessionView } from "./session.js";

/** A recovery code as typed: 16 base32 characters, with or without hyphens and spaces. */
export const recoveryCodeRequest = z.object({ code: z.string().trim().min(16).max(40) });
export type RecoveryCodeRequest = z.infer<typeof recoveryCodeRequest>;

/** Recovery codes, shown once when issued. */
export const recoveryCodesIssued = z.object({ recoveryCodes: z.array(z.string()) });
export type RecoveryCodesIssued = z.infer<typeof recoveryCodesIssued>;

/** The answer to completing enrolment: the now active session and the recovery codes, shown once. */
export const enrolmentCompleted = sessionView.extend({ recoveryCodes: z.array(z.string()) });
export type EnrolmentCompleted = z.infer<typeof enrolmentCompleted>;

// WebAuthn JSON (WebAuthn L3 §5.1.8, PublicKeyCredential.toJSON()). The library checks the content; these schemas
// only bound the shape and size so nothing else reaches it.
const base64url = z.string().max(4096).regex(/^[A-Za-z0-9_-]*$/);
const clientExtensionResults = z.record(z.string(), z.unknown());

export const registrationResponse = z.object({
  id: base64url,
  rawId: base64url,
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url,
    attestationObject: base64url.max(16_384),
    authenticatorData: base64url.optional(),
    transports: z.array(z.enum(["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"])).max(7).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: base64url.optional(),
  }),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults,
});

export const authenticationResponse = z.object({
  id: base64url,
  rawId: base64url,
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64url,
    authenticatorData: base64url,
    signature: base64url,
    userHandle: base64url.optional(),
  }),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults,
});

/** A name the user gives a passkey, to tell several apart in the settings page. */
export const passkeyName = z.string().trim().min(1).max(64);

export const passkeyRegistrationRequest = z.object({ name: passkeyName, response: registrationResponse });
export type PasskeyRegistrationRequest = z.infer<typeof passkeyRegistrationRequest>;

export const passkeyAuthenticationRequest = z.object({ response: authenticationResponse });
export type PasskeyAuthenticationRequest = z.infer<typeof passkeyAuthenticationRequest>;

/**
 * Options for navigator.credentials.create()/get() as the server library produces them (JSON form); the browser
 * library passes them on unchanged.
 */
export const webAuthnOptions = z.object({ options: z.record(z.string(), z.unknown()) });
export type WebAuthnOptions = z.infer<typeof webAuthnOptions>;

/** Re-verification for privileged actions (step-up) with any enrolled factor. */
export const reverifyRequest = z.discriminatedUnion("method", [
  z.object({ method: z.literal("totp"), code: z.string().regex(/^\d{6}$/) }),
  z.object({ method: z.literal("recovery_code"), code: recoveryCodeRequest.shape.code }),
  z.object({ method: z.literal("passkey"), response: authenticationResponse }),
]);
export type ReverifyRequest = z.infer<typeof reverifyRequest>;

export const reverifyResponse = z.object({ mfaAt: z.number() });

/** The signed-in user's second factors (never secrets). */
export const factorsView = z.object({
  totp: z.object({ enrolledAt: z.number() }).optional(),
  passkeys: z.array(z.object({ id: z.string(), name: z.string(), createdAt: z.number(), lastUsedAt: z.number().optional() })),
  recoveryCodesRemaining: z.number().int(),
});
export type FactorsView = z.infer<typeof factorsView>;

export const passkeyParams = z.object({ id: base64url.min(1).max(1024) });
