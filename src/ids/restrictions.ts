import type { Database } from "../db/index.js";
import type { Clock } from "../kernel/index.js";
import { createRestrictionStore } from "./restriction-store.js";

// Blocked addresses are checked on every request, so each node keeps them for a few seconds; changes made on this
// node clear that at once, changes on another node are seen within this time.
const ipCacheMs = 5_000;
// A request never waits longer than this for the list: past it, or when the database fails, the last list read
// stays in force (blocks are hours long, so a list a few seconds or minutes old still refuses the same addresses)
// and the read goes on in the background for the next request.
const ipLoadWaitMs = 1_000;

/** Enforcement side of the restrictions: is this account locked, is this address blocked. */
export function createRestrictionChecks(deps: { db: Database; clock: Clock }) {
  let blocked: { ips: Map<string, number>; loadedAt: number } | undefined;
  // One read at a time, shared by every request that finds the list old.
  let loading: Promise<Map<string, number>> | undefined;

  function load(): Promise<Map<string, number>> {
    loading ??= (async () => {
      const rows = await createRestrictionStore(deps.db.kysely).active(deps.clock.now());
      const ips = new Map(rows.filter((row) => row.kind === "ip").map((row) => [row.subject, row.until.getTime()]));
      blocked = { ips, loadedAt: Date.now() };
      return ips;
    })().finally(() => {
      loading = undefined;
    });
    return loading;
  }

  async function blockedIps(): Promise<Map<string, number>> {
    if (blocked && Date.now() - blocked.loadedAt < ipCacheMs) return blocked.ips;
    const reading = load();
    // Without a list yet there is nothing to fall back on: the request waits (and fails with the database).
    if (!blocked) return reading;
    const previous = blocked.ips;
    reading.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<Map<string, number>>((resolve) => {
      timer = setTimeout(() => resolve(previous), ipLoadWaitMs);
    });
    try {
      return await Promise.race([reading.catch(() => previous), waited]);
    } finally {
      clearTimeout(timer);
    }
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
