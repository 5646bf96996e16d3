import { sql } from "kysely";
import { pendingMigrations, type Database } from "../db/index.js";

/** The parts readiness checks; a failing one is named in the 503 answer (never its address or error text). */
export type ReadinessPart = "shutting_down" | "database" | "migrations" | "audit_writer" | "redis";

export interface ReadinessReport {
  ready: boolean;
  failing: ReadinessPart[];
}

export interface Readiness {
  /** Checks every part, each within the timeout; parts are checked at once, so one slow part costs one timeout. */
  check(): Promise<ReadinessReport>;
  /** From now on readiness fails: the load balancer stops sending before the node stops answering. */
  beginShutdown(): void;
  readonly shuttingDown: boolean;
}

/**
 * Readiness of a node for traffic: database reachable, its migrations current, the audit writer committing, and
 * Redis answering when configured. A node whose audit trail cannot be written must take no requests, since every
 * request that touches records writes audit entries.
 */
export function createReadiness(deps: {
  db: Database;
  audit: { accepting(): boolean };
  /** Pings Redis; absent when REDIS_URL is unset. */
  redisPing?: () => Promise<unknown>;
  timeoutMs?: number;
}): Readiness {
  const timeoutMs = deps.timeoutMs ?? 2000;
  let shuttingDown = false;
  // Migrations change only with a deployment: once current, stay current for this process.
  let migrationsCurrent = false;

  async function passes(part: () => Promise<boolean>): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([part().catch(() => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    get shuttingDown() {
      return shuttingDown;
    },
    beginShutdown() {
      shuttingDown = true;
    },
    async check() {
      const checks: Array<[ReadinessPart, () => Promise<boolean>]> = [
        ["database", async () => (await sql`select 1`.execute(deps.db.kysely), true)],
        [
          "migrations",
          async () => {
            migrationsCurrent ||= (await pendingMigrations(deps.db)).length === 0;
            return migrationsCurrent;
          },
        ],
        ["audit_writer", async () => deps.audit.accepting()],
      ];
      if (deps.redisPing) {
        const ping = deps.redisPing;
        checks.push(["redis", async () => (await ping(), true)]);
      }
      const results = await Promise.all(checks.map(async ([part, check]) => [part, await passes(check)] as const));
      const failing: ReadinessPart[] = [...(shuttingDown ? (["shutting_down"] as const) : []), ...results.filter(([, ok]) => !ok).map(([part]) => part)];
      return { ready: failing.length === 0, failing };
    },
  };
}
