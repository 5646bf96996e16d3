import { DecryptCommand, EncryptCommand, KMSClient } from "@aws-sdk/client-kms";
import type { KmsProvider } from "./kms.js";

/**
 * AWS KMS as the master key: KEKs and backup keys (32 bytes) are wrapped with Encrypt/Decrypt under a symmetric
 * KMS key, with the context bound as KMS encryption context (it appears in CloudTrail, so it holds ids only).
 * Credentials come from the AWS SDK's default chain (instance role, environment, profile). Rotation of the master
 * key is AWS's automatic key rotation: the key id stays, old ciphertexts stay decryptable.
 */
export function openAwsKms(options: { keyId: string; region: string; endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } }): KmsProvider {
  const client = new KMSClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: 3,
  });
  const encryptionContext = (context: string) => ({ "mamori:context": context });
  return {
    kind: "aws-kms",
    masterKeyId: options.keyId,
    async wrap(key, context) {
      const result = await client.send(new EncryptCommand({ KeyId: options.keyId, Plaintext: key, EncryptionContext: encryptionContext(context) }));
      if (!result.CiphertextBlob) throw new Error("AWS KMS returned no ciphertext");
      return Buffer.from(result.CiphertextBlob);
    },
    async unwrap(masterKeyId, wrapped, context) {
      const result = await client.send(new DecryptCommand({ KeyId: masterKeyId, CiphertextBlob: wrapped, EncryptionContext: encryptionContext(context) }));
      if (!result.Plaintext) throw new Error("AWS KMS returned no plaintext");
      return Buffer.from(result.Plaintext);
    },
  };
}
