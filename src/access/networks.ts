import { BlockList, isIPv4, isIPv6 } from "node:net";

/** Networks (addresses or CIDR ranges, IPv4 or IPv6) each role may act from; an empty list restricts nothing. */
export interface NetworkAllowLists {
  admin: readonly string[];
  securityOfficer: readonly string[];
}

/** What the policies know of a request's address: whether it lies in each role's allowed networks. */
export interface NetworkContext {
  adminNetwork: boolean;
  securityNetwork: boolean;
}

/**
 * Builds the check the decision point puts into Cedar's context. An absent address is outside every configured
 * list (fail closed); an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is checked as its IPv4 address.
 * @throws {Error} on an entry that is not an address or CIDR range (the configuration schema refuses those first).
 */
export function createNetworkCheck(lists: NetworkAllowLists): (ip: string | undefined) => NetworkContext {
  const admin = blockListOf(lists.admin);
  const security = blockListOf(lists.securityOfficer);
  return (ip) => ({ adminNetwork: isInside(admin, ip), securityNetwork: isInside(security, ip) });
}

export function blockListOf(entries: readonly string[]): BlockList | undefined {
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const type = isIPv4(address) ? "ipv4" : isIPv6(address) ? "ipv6" : undefined;
    if (!type) throw new Error(`not an IP address or CIDR range: ${entry}`);
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

export function isInside(list: BlockList | undefined, ip: string | undefined): boolean {
  if (!list) return true;
  if (!ip) return false;
  const address = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] ?? ip;
  if (isIPv4(address)) return list.check(address, "ipv4");
  if (isIPv6(address)) return list.check(address, "ipv6");
  return false;
}
