import type { Database } from "../db/index.js";
import type { Clock } from "../kernel/index.js";
import { createRestrictionStore } from "./restriction-store.js";

// Blocked addresses are checked on every request, so each node keeps them for a few seconds; changes made on this
// node clear that at once, changes on another node are seen within this time.
const ipCacheMs = 5_000;

/** Enforcement side of the restrictions: is this account locked, is this address blocked. */
export function createRestrictionChecks(deps: { db: Database; clock: Clock }) {
  let blocked: { ips: Map<string, number>; loadedAt: number } | undefined;

  async function blockedIps(): Promise<Map<string, number>> {
    const nowMs = Date.now();
    if (blocked && nowMs - blocked.loadedAt < ipCacheMs) return blocked.ips;
    const rows = await createRestrictionStore(deps.db.kysely).active(deps.clock.now());
    const ips = new Map(rows.filter((row) => row.kind === "ip").map((row) => [row.subject, row.until.getTime()]));
    blocked = { ips, loadedAt: nowMs };
    return ips;
  }

  return {
    isAccountLocked: (accountId: string) => createRestrictionStore(deps.db.kysely).isActive("account", accountId, deps.clock.now()),
    async isIpBlocked(ip: string): Promise<boolean> {
      const until = (await blockedIps()).get(ip);
      return until !== undefined && until > deps.clock.now().getTime();
    },
    /** Forgets the cached blocks (after a block or a lift on this node). */
    invalidate() {
      blocked = undefined;
    },
  };
}

export type RestrictionChecks = ReturnType<typeof createRestrictionChecks>;
