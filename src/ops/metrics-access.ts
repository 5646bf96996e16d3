import { createHash, timingSafeEqual } from "node:crypto";
import { blockListOf, isInside } from "../access/index.js";

/** Whether anyone may read the metrics at all: not until a network or the token is configured. */
export function isMetricsConfigured(settings: { networks: readonly string[]; token: string | undefined }): boolean {
  return settings.networks.length > 0 || settings.token !== undefined;
}

/**
 * Who may read the metrics: a peer inside the configured networks, or a holder of the bearer token; nobody when
 * neither is configured. Loopback is not trusted by default: a reverse proxy on the same host would make every
 * request arrive from loopback and the metrics public. Metrics hold no medical content, but route names, rates
 * and pool figures help an attacker plan, so they are not public.
 */
export function createMetricsAccess(settings: { networks: readonly string[]; token: string | undefined }): (request: { ip: string; authorization: string | undefined }) => boolean {
  // An empty list means "no restriction" to blockListOf; here it means no network at all.
  const allowed = settings.networks.length > 0 ? blockListOf(settings.networks) : undefined;
  const tokenDigest = settings.token ? digest(settings.token) : undefined;
  return ({ ip, authorization }) => {
    if (tokenDigest && authorization?.startsWith("Bearer ")) {
      // Compared as digests, so the comparison takes the same time whatever the presented length.
      if (timingSafeEqual(digest(authorization.slice("Bearer ".length)), tokenDigest)) return true;
    }
    return allowed !== undefined && isInside(allowed, ip);
  };
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
