import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import type { Clock } from "../../kernel/index.js";
import type { MfaStore, PasskeyRow } from "./store.js";

/** The relying party: its ID is the public URL's host name and only the public URL's origin is accepted. */
export interface RelyingParty {
  id: string;
  origin: string;
  name: string;
}

// A person has this long to touch the authenticator; the challenge stored with the session expires with it.
export const webAuthnTimeoutMs = 120_000;

/** WebAuthn user handle: the account id's 16 UUID bytes, stable and free of personal data (WebAuthn L3 §14.6.1). */
function userHandle(accountId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(accountId.replace(/-/g, ""), "hex"));
}

/**
 * WebAuthn second factor (passkeys, security keys) through @simplewebauthn/server: registration with 'none'
 * attestation (we trust the account's password and session, not the authenticator's make), and assertions
 * checked against the stored public key, RP ID, origin, the challenge the caller kept, and the signature counter.
 */
export function createWebAuthn(deps: { store: () => MfaStore; clock: Clock; relyingParty: RelyingParty }) {
  const { relyingParty: rp, clock } = deps;

  return {
    /** Options for navigator.credentials.create(); the caller keeps `challenge` for the verification. */
    async registrationOptions(account: { id: string; email: string; displayName: string }): Promise<PublicKeyCredentialCreationOptionsJSON> {
      const existing = await deps.store().passkeys(account.id);
      return generateRegistrationOptions({
        rpName: rp.name,
        rpID: rp.id,
        userName: account.email,
        userDisplayName: account.displayName,
        userID: userHandle(account.id),
        timeout: webAuthnTimeoutMs,
        attestationType: "none",
        excludeCredentials: existing.map((passkey) => ({ id: passkey.id, transports: passkey.transports })),
        authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
      });
    },

    /** Verifies a registration response and stores the credential; undefined when it does not verify. */
    async register(accountId: string, name: string, response: RegistrationResponseJSON, expectedChallenge: string): Promise<PasskeyRow | undefined> {
      let verified;
      try {
        verified = await verifyRegistrationResponse({ response, expectedChallenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: false });
      } catch {
        return undefined;
      }
      if (!verified.verified) return undefined;
      const { credential } = verified.registrationInfo;
      if (await deps.store().passkeyExists(credential.id)) return undefined;
      const row: PasskeyRow = {
        id: credential.id,
        accountId,
        publicKey: Buffer.from(credential.publicKey),
        counter: credential.counter,
        transports: credential.transports ?? [],
        name,
        createdAt: clock.now(),
        lastUsedAt: null,
      };
      await deps.store().insertPasskey(row);
      return row;
    },

    /** Options for navigator.credentials.get(), limited to the account's own credentials. */
    async authenticationOptions(accountId: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
      const passkeys = await deps.store().passkeys(accountId);
      return generateAuthenticationOptions({
        rpID: rp.id,
        timeout: webAuthnTimeoutMs,
        userVerification: "preferred",
        allowCredentials: passkeys.map((passkey) => ({ id: passkey.id, transports: passkey.transports })),
      });
    },

    /**
     * Verifies an assertion by one of the account's credentials and records the new counter; false when the
     * signature, challenge, origin or RP ID is wrong, or the counter did not move forward (a cloned authenticator).
     */
    async authenticate(accountId: string, response: AuthenticationResponseJSON, expectedChallenge: string): Promise<boolean> {
      const passkey = await deps.store().passkey(accountId, response.id);
      if (!passkey) return false;
      let verified;
      try {
        verified = await verifyAuthenticationResponse({
          response,
          expectedChallenge,
          expectedOrigin: rp.origin,
          expectedRPID: rp.id,
          credential: { id: passkey.id, publicKey: new Uint8Array(passkey.publicKey), counter: passkey.counter, transports: passkey.transports },
          requireUserVerification: false,
        });
      } catch {
        return false;
      }
      if (!verified.verified) return false;
      return deps.store().recordPasskeyUse(accountId, passkey.id, verified.authenticationInfo.newCounter, clock.now());
    },

    hasPasskeys: async (accountId: string) => (await deps.store().passkeys(accountId)).length > 0,
  };
}

export type WebAuthn = ReturnType<typeof createWebAuthn>;
