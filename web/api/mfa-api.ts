import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from "@simplewebauthn/browser";
import type { EnrolmentCompleted, FactorsView, RecoveryCodesIssued, ReverifyRequest, SessionView, TotpEnrolmentStart } from "../../shared/api/index.js";
import { request } from "./http.js";

/** Second-factor step with a recovery code. */
export function verifyRecoveryCode(code: string): Promise<SessionView> {
  return request<SessionView>("/api/auth/recovery-code/verify", { method: "POST", body: { code } });
}

/** Assertion options for sign-in or re-verification (the challenge stays with the session). */
export async function passkeyOptions(): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return (await request<{ options: PublicKeyCredentialRequestOptionsJSON }>("/api/auth/passkey/options", { method: "POST", body: {} })).options;
}

export function verifyPasskey(response: AuthenticationResponseJSON): Promise<SessionView> {
  return request<SessionView>("/api/auth/passkey/verify", { method: "POST", body: { response } });
}

/** Creation options at enrolment. */
export async function passkeyEnrolmentOptions(): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return (await request<{ options: PublicKeyCredentialCreationOptionsJSON }>("/api/auth/passkey/registration/options", { method: "POST", body: {} })).options;
}

export function completePasskeyEnrolment(name: string, response: RegistrationResponseJSON): Promise<EnrolmentCompleted> {
  return request<EnrolmentCompleted>("/api/auth/passkey/registration", { method: "POST", body: { name, response } });
}

/** Re-verification (step-up) with a code: TOTP or a recovery code. */
export function reverify(body: Exclude<ReverifyRequest, { method: "passkey" }>): Promise<{ mfaAt: number }> {
  return request<{ mfaAt: number }>("/api/auth/reverify", { method: "POST", body });
}

/** Re-verification (step-up) with a passkey assertion over options from passkeyOptions(). */
export function reverifyWithPasskey(response: AuthenticationResponseJSON): Promise<{ mfaAt: number }> {
  return request<{ mfaAt: number }>("/api/auth/reverify", { method: "POST", body: { method: "passkey", response } });
}

export function fetchFactors(): Promise<FactorsView> {
  return request<FactorsView>("/api/account/factors");
}

export function regenerateRecoveryCodes(): Promise<RecoveryCodesIssued> {
  return request<RecoveryCodesIssued>("/api/account/recovery-codes", { method: "POST", body: {} });
}

/** Creation options for adding a passkey from the settings page. */
export async function newPasskeyOptions(): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return (await request<{ options: PublicKeyCredentialCreationOptionsJSON }>("/api/account/passkeys/options", { method: "POST", body: {} })).options;
}

export function addPasskey(name: string, response: RegistrationResponseJSON): Promise<{ id: string; recoveryCodes?: string[] }> {
  return request<{ id: string; recoveryCodes?: string[] }>("/api/account/passkeys", { method: "POST", body: { name, response } });
}

export function removePasskey(id: string): Promise<void> {
  return request<void>(`/api/account/passkeys/${encodeURIComponent(id)}`, { method: "DELETE" });
}

export function startSettingsTotpEnrolment(): Promise<TotpEnrolmentStart> {
  return request<TotpEnrolmentStart>("/api/account/totp/enrolment", { method: "POST", body: {} });
}

export function confirmSettingsTotpEnrolment(code: string): Promise<{ recoveryCodes?: string[] }> {
  return request<{ recoveryCodes?: string[] }>("/api/account/totp/enrolment/confirm", { method: "POST", body: { code } });
}

export function removeTotp(): Promise<void> {
  return request<void>("/api/account/totp", { method: "DELETE" });
}
