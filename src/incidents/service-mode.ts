import type { Database } from "../db/index.js";
import type { Clock } from "../kernel/index.js";
import { createIncidentStore, type ServiceModeRow } from "./store.js";

/** How long a node trusts its cached reading before asking the database again: the longest other nodes lag. */
export const serviceModeCacheMs = 2_000;

/**
 * The service-wide read-only switch, kept in the database so every node and every restart honours it. Each node
 * re-reads it at most every `serviceModeCacheMs`; the node that changes it knows at once.
 */
export function createServiceMode(deps: { db: Database; clock: Clock }) {
  const store = () => createIncidentStore(deps.db.kysely);
  let cached: { mode: ServiceModeRow; readAt: number } | undefined;
  return {
    /** The current mode (cached briefly). @throws {Error} when the database cannot be read. */
    async current(): Promise<ServiceModeRow> {
      const now = deps.clock.now().getTime();
      if (!cached || now - cached.readAt >= serviceModeCacheMs || now < cached.readAt) cached = { mode: await store().serviceMode(), readAt: now };
      return cached.mode;
    },
    /** Stores a new mode; callers authorize and audit. */
    async set(mode: ServiceModeRow): Promise<void> {
      await store().setServiceMode(mode);
      cached = { mode, readAt: deps.clock.now().getTime() };
    },
  };
}

export type ServiceMode = ReturnType<typeof createServiceMode>;
