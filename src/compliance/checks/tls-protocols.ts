import { isIP } from "node:net";
import { connect, type SecureVersion } from "node:tls";
import { outcome, type ComplianceCheck } from "../check.js";

const versions: SecureVersion[] = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

interface Probe {
  accepted: boolean;
  cipher?: string;
  error?: string;
}

/** Offers exactly one protocol version; the client allows legacy ciphers so only the server's choice decides. */
export function probeTls(host: string, port: number, version: SecureVersion, timeoutMs = 5000): Promise<Probe> {
  return new Promise((resolve) => {
    const socket = connect({
      host,
      port,
      minVersion: version,
      maxVersion: version,
      // Security level 0 lets this client offer TLS 1.0/1.1 at all; the certificate is not what is checked here.
      ciphers: "DEFAULT:@SECLEVEL=0",
      rejectUnauthorized: false,
      // SNI names a host, never an address (RFC 6066 §3).
      ...(isIP(host) ? {} : { servername: host }),
    });
    const finish = (probe: Probe) => {
      socket.destroy();
      resolve(probe);
    };
    socket.setTimeout(timeoutMs, () => finish({ accepted: false, error: "timeout" }));
    socket.once("secureConnect", () => finish({ accepted: true, cipher: socket.getCipher().standardName }));
    socket.once("error", (error: NodeJS.ErrnoException) => finish({ accepted: false, error: error.code ?? error.name }));
  });
}

/** ENC-1: connects to the running HTTPS server at each TLS version and reports which it accepts, with the cipher. */
export const tlsProtocols: ComplianceCheck = {
  id: "tls.protocols",
  title: { ja: "TLSのバージョンと暗号スイート", en: "TLS versions and ciphers offered" },
  async run({ tlsTarget }) {
    const probes = new Map<SecureVersion, Probe>();
    for (const version of versions) probes.set(version, await probeTls(tlsTarget.host, tlsTarget.port, version));
    const accepted = versions.filter((version) => probes.get(version)!.accepted);
    const evidence = {
      target: `${tlsTarget.host}:${tlsTarget.port}`,
      accepted,
      ...Object.fromEntries(versions.map((version) => [version, probes.get(version)!.accepted ? `accepted ${probes.get(version)!.cipher}` : `refused (${probes.get(version)!.error})`])),
    };
    if (accepted.length === 0) {
      const unreachable = versions.every((version) => ["ECONNREFUSED", "timeout", "EHOSTUNREACH"].includes(probes.get(version)!.error ?? ""));
      return outcome(unreachable ? "unknown" : "not_met", unreachable ? "the HTTPS server is not reachable" : "no TLS version accepted", evidence);
    }
    if (accepted.includes("TLSv1") || accepted.includes("TLSv1.1")) return outcome("not_met", "TLS 1.0 or 1.1 is accepted", evidence);
    return outcome("met", "only TLS 1.2 or later is accepted", evidence);
  },
};
