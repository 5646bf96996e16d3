import { constants } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { generate } from "selfsigned";
import type { Config } from "../config/index.js";

export interface TlsMaterial {
  key: string;
  cert: string;
  selfSigned: boolean;
}

/**
 * The server's certificate: the configured one, else a self-signed ECDSA P-256 certificate for localhost kept in
 * the data folder (key mode 0600), generated on first start.
 */
export async function loadTlsMaterial(config: Pick<Config, "tls" | "dataDir">): Promise<TlsMaterial> {
  if (config.tls) {
    return { key: await readFile(config.tls.keyFile, "utf8"), cert: await readFile(config.tls.certFile, "utf8"), selfSigned: false };
  }
  const dir = path.join(config.dataDir, "tls");
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  if (await exists(keyFile)) {
    return { key: await readFile(keyFile, "utf8"), cert: await readFile(certFile, "utf8"), selfSigned: true };
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const now = new Date();
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 397 * 24 * 3_600_000),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }, { type: 7, ip: "::1" }] },
    ],
  });
  await writeFile(keyFile, pems.private, { mode: 0o600 });
  await writeFile(certFile, pems.cert, { mode: 0o644 });
  return { key: pems.private, cert: pems.cert, selfSigned: true };
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * TLS 1.2 and 1.3 only, forward-secret AEAD suites only (MHLW 運用編 / ENC-1; IPA TLS 暗号設定ガイドライン 高セキュリティ型
 * for TLS 1.2). TLS 1.3 suites are all AEAD and are left at Node's defaults. TLS 1.3 has no renegotiation; in TLS 1.2
 * a client-initiated one costs the server a handshake per request and is refused (SSL_OP_NO_RENEGOTIATION: the
 * connection ends with a no_renegotiation alert), as IPA's guide recommends.
 */
export const tlsOptions = {
  minVersion: "TLSv1.2",
  ciphers: [
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
  ].join(":"),
  honorCipherOrder: true,
  secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
} as const;
