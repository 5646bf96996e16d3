import { blockListOf, isInside } from "../access/index.js";

/**
 * Fastify's `trustProxy` for the configured proxies: X-Forwarded-For and X-Forwarded-Proto are believed only when the
 * peer is one of them. Fastify walks X-Forwarded-For from the right while each hop is trusted, so the client address
 * is the right-most entry not itself a proxy: a client cannot forge its address by sending the header itself.
 * With no proxies configured, `false`: every forwarded header is ignored.
 */
export function trustProxyOption(proxies: readonly string[]): false | ((address: string, hop: number) => boolean) {
  if (proxies.length === 0) return false;
  const list = blockListOf(proxies);
  return (address) => isInside(list, address);
}
