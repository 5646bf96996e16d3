import { browserSupportsWebAuthn, startAuthentication, startRegistration } from "@simplewebauthn/browser";
import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from "@simplewebauthn/browser";

/** Whether this browser can use passkeys at all (WebAuthn); the passkey buttons are hidden otherwise. */
export const canUsePasskeys = (): boolean => browserSupportsWebAuthn();

/** Asks the browser to create a passkey with the server's options. */
export function createPasskey(optionsJSON: PublicKeyCredentialCreationOptionsJSON): Promise<RegistrationResponseJSON> {
  return startRegistration({ optionsJSON });
}

/** Asks the browser to sign the server's challenge with a passkey. */
export function signWithPasskey(optionsJSON: PublicKeyCredentialRequestOptionsJSON): Promise<AuthenticationResponseJSON> {
  return startAuthentication({ optionsJSON });
}
