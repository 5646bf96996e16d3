import { createHash, timingSafeEqual } from "node:crypto";
import { blockListOf, isInside } from "../access/index.js";

const loopback = ["127.0.0.0/8", "::1"];

/**
 * Who may read the metrics: a peer inside the configured networks (loopback only when none are configured), or a
 * holder of the bearer token. Metrics hold no medical content, but route names, rates and pool figures help an
 * attacker plan, so they are not public.
 */
export function createMetricsAccess(settings: { networks: readonly string[]; token: string | undefined }): (request: { ip: string; authorization: string | undefined }) => boolean {
  const allowed = blockListOf(settings.networks.length > 0 ? settings.networks : loopback);
  const tokenDigest = settings.token ? digest(settings.token) : undefined;
  return ({ ip, authorization }) => {
    if (tokenDigest && authorization?.startsWith("Bearer ")) {
      // Compared as digests, so the comparison takes the same time whatever the presented length.
      if (timingSafeEqual(digest(authorization.slice("Bearer ".length)), tokenDigest)) return true;
    }
    return isInside(allowed, ip);
  };
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
