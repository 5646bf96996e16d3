import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for AWS KMS at the HTTP level (JSON 1.1 protocol, `X-Amz-Target: TrentService.Encrypt|Decrypt`):
 * the real SDK client talks to it unchanged. Requests must carry a SigV4 Authorization header. Tests only.
 */
export async function startFakeAwsKms(keyIds: string[]): Promise<{ endpoint: string; requests: string[]; close(): Promise<void> }> {
  const keys = new Map(keyIds.map((id) => [id, randomBytes(32)]));
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      requests.push(target);
      const reply = (status: number, body: object) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify(body));
      };
      if (!String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ")) return reply(400, { __type: "MissingAuthenticationTokenException", message: "unsigned" });
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { KeyId?: string; Plaintext?: string; CiphertextBlob?: string; EncryptionContext?: Record<string, string> };
      const aad = Buffer.from(JSON.stringify(Object.entries(body.EncryptionContext ?? {}).sort()));
      if (target === "TrentService.Encrypt") {
        const key = keys.get(body.KeyId ?? "");
        if (!key) return reply(400, { __type: "NotFoundException", message: "key not found" });
        const iv = randomBytes(12);
        const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(aad);
        const sealed = Buffer.concat([iv, cipher.update(Buffer.from(body.Plaintext ?? "", "base64")), cipher.final(), cipher.getAuthTag()]);
        // Like AWS, the ciphertext names its key, so Decrypt works without KeyId.
        return reply(200, { KeyId: body.KeyId, CiphertextBlob: Buffer.concat([Buffer.from(`${body.KeyId}\n`), sealed]).toString("base64"), EncryptionAlgorithm: "SYMMETRIC_DEFAULT" });
      }
      if (target === "TrentService.Decrypt") {
        const blob = Buffer.from(body.CiphertextBlob ?? "", "base64");
        const split = blob.indexOf(10);
        const keyId = blob.subarray(0, split).toString();
        const key = keys.get(keyId);
        if (!key || (body.KeyId && body.KeyId !== keyId)) return reply(400, { __type: "IncorrectKeyException", message: "wrong key" });
        try {
          const sealed = blob.subarray(split + 1);
          const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, 12)).setAAD(aad);
          decipher.setAuthTag(sealed.subarray(sealed.length - 16));
          const plain = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
          return reply(200, { KeyId: keyId, Plaintext: plain.toString("base64"), EncryptionAlgorithm: "SYMMETRIC_DEFAULT" });
        } catch {
          return reply(400, { __type: "InvalidCiphertextException", message: "" });
        }
      }
      return reply(400, { __type: "UnknownOperationException", message: target });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
