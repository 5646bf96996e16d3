import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { isoCBOR } from "@simplewebauthn/server/helpers";

// Authenticator data flags (WebAuthn L3 §6.1): user present, user verified, attested credential data included.
const userPresent = 0x01;
const userVerified = 0x04;
const attestedCredentialData = 0x40;

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest();
const b64url = (data: Buffer | Uint8Array) => Buffer.from(data).toString("base64url");

/**
 * A platform authenticator in software, for tests: one ES256 (P-256) key pair from node:crypto, 'none'
 * attestation, and assertions whose authenticatorData, clientDataJSON and DER signature are byte for byte what a
 * browser hands to the page (WebAuthn L3 §6.1, §6.5, §7.2). The server verifies them with its real library.
 */
export function createSoftwareAuthenticator(options: { origin: string }) {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const credentialId = randomBytes(16);
  let signCount = 0;
  let registeredRpId: string | undefined;

  function clientDataJSON(type: "webauthn.create" | "webauthn.get", challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), "utf8");
  }

  function coseKey(key: KeyObject): Uint8Array {
    const jwk = key.export({ format: "jwk" }) as { x: string; y: string };
    // COSE_Key (RFC 9053 §7.1.1): kty EC2, alg ES256, crv P-256, x, y.
    return isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(Buffer.from(jwk.x, "base64url"))],
        [-3, new Uint8Array(Buffer.from(jwk.y, "base64url"))],
      ]),
    );
  }

  function authenticatorData(rpId: string, flags: number, counter: number, attested?: Uint8Array): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    const parts = [sha256(rpId), Buffer.from([flags]), count];
    if (attested) {
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(credentialId.length);
      parts.push(Buffer.alloc(16), idLength, credentialId, Buffer.from(attested));
    }
    return Buffer.concat(parts);
  }

  return {
    credentialId: b64url(credentialId),
    get counter() {
      return signCount;
    },

    /** navigator.credentials.create() and PublicKeyCredential.toJSON(). */
    create(creation: PublicKeyCredentialCreationOptionsJSON, overrides: { origin?: string } = {}): RegistrationResponseJSON {
      const rpId = creation.rp.id ?? new URL(options.origin).hostname;
      registeredRpId = rpId;
      const authData = authenticatorData(rpId, userPresent | userVerified | attestedCredentialData, signCount, coseKey(publicKey));
      const attestationObject = isoCBOR.encode(new Map<string, unknown>([["fmt", "none"], ["attStmt", new Map()], ["authData", new Uint8Array(authData)]]) as never);
      return {
        id: b64url(credentialId),
        rawId: b64url(credentialId),
        type: "public-key",
        response: {
          clientDataJSON: b64url(clientDataJSON("webauthn.create", creation.challenge, overrides.origin ?? options.origin)),
          attestationObject: b64url(attestationObject),
          transports: ["internal"],
        },
        authenticatorAttachment: "platform",
        clientExtensionResults: {},
      };
    },

    /** navigator.credentials.get() and PublicKeyCredential.toJSON(); `counter` replays an older signature count. */
    get(request: PublicKeyCredentialRequestOptionsJSON, overrides: { origin?: string; counter?: number } = {}): AuthenticationResponseJSON {
      const rpId = request.rpId ?? registeredRpId ?? new URL(options.origin).hostname;
      if (overrides.counter === undefined) signCount += 1;
      const authData = authenticatorData(rpId, userPresent | userVerified, overrides.counter ?? signCount);
      const clientData = clientDataJSON("webauthn.get", request.challenge, overrides.origin ?? options.origin);
      // ES256 signatures are DER-encoded ECDSA over authenticatorData ‖ SHA-256(clientDataJSON) (§6.3.3, §8.2).
      const signature = sign("sha256", Buffer.concat([authData, sha256(clientData)]), privateKey);
      return {
        id: b64url(credentialId),
        rawId: b64url(credentialId),
        type: "public-key",
        response: { clientDataJSON: b64url(clientData), authenticatorData: b64url(authData), signature: b64url(signature) },
        authenticatorAttachment: "platform",
        clientExtensionResults: {},
      };
    },

  };
}

export type SoftwareAuthenticator = ReturnType<typeof createSoftwareAuthenticator>;
