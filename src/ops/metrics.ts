import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { RecordedAuditEntry } from "../audit/index.js";
import type { Database } from "../db/index.js";

export interface Metrics {
  readonly registry: Registry;
  /** One answered request: route pattern (never the URL), method, status and seconds taken. */
  observeRequest(request: { method: string; route: string; status: number; seconds: number }): void;
  /** A request refused by a rate limit of this class. */
  rateLimitRefused(limitClass: string): void;
  /** A request blocked by request inspection, once per rule family that matched. */
  wafBlocked(families: readonly string[]): void;
  /** The text exposition format. */
  render(): Promise<string>;
  readonly contentType: string;
}

const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;

/**
 * Prometheus metrics of one node, in a registry of its own (several nodes in one test process must not mix).
 * Audit and IDS figures are fed from the audit writer's observers, so they count what was committed.
 */
export function createMetrics(deps: {
  db: Database;
  audit: {
    onCommit(listener: (commit: { size: number; seconds: number; ok: boolean }) => void): void;
    onAppend(listener: (entries: readonly RecordedAuditEntry[]) => void): void;
    queueDepth(): number;
  };
  /** Severity of each IDS rule, to label alerts. */
  idsRules: ReadonlyArray<{ id: string; severity: string }>;
}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "mamori_" });

  const requests = new Counter({ name: "mamori_http_requests_total", help: "HTTP requests answered, by route pattern, method and status class.", labelNames: ["route", "method", "status_class"], registers: [registry] });
  const latency = new Histogram({
    name: "mamori_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by route pattern, method and status class.",
    labelNames: ["route", "method", "status_class"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const batchSize = new Histogram({ name: "mamori_audit_batch_size", help: "Entries per audit group commit.", buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500], registers: [registry] });
  const commitSeconds = new Histogram({
    name: "mamori_audit_commit_seconds",
    help: "Time of one audit group commit, by outcome.",
    labelNames: ["outcome"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new Gauge({
    name: "mamori_audit_queue_depth",
    help: "Audit entries accepted and waiting for their group commit.",
    registers: [registry],
    collect() {
      this.set(deps.audit.queueDepth());
    },
  });
  const idsAlerts = new Counter({ name: "mamori_ids_alerts_total", help: "Intrusion detection alerts raised on this node, by rule and severity.", labelNames: ["rule", "severity"], registers: [registry] });
  const rateLimited = new Counter({ name: "mamori_rate_limit_refusals_total", help: "Requests refused by a rate limit, by limit class (ip, auth, account, client).", labelNames: ["class"], registers: [registry] });
  const wafBlocks = new Counter({ name: "mamori_waf_blocks_total", help: "Requests blocked by request inspection, by rule family that matched.", labelNames: ["family"], registers: [registry] });

  const poolStats = deps.db.poolStats?.bind(deps.db);
  if (poolStats) {
    const pool = new Gauge({
      name: "mamori_db_pool_connections",
      help: "PostgreSQL pool connections by state (total, idle, waiting clients, max).",
      labelNames: ["state"],
      registers: [registry],
      collect() {
        const stats = poolStats();
        for (const [state, value] of Object.entries(stats)) pool.set({ state }, value);
      },
    });
  }

  deps.audit.onCommit(({ size, seconds, ok }) => {
    if (ok) batchSize.observe(size);
    commitSeconds.observe({ outcome: ok ? "committed" : "failed" }, seconds);
  });
  const severityOf = new Map(deps.idsRules.map((rule) => [rule.id, rule.severity]));
  deps.audit.onAppend((entries) => {
    for (const entry of entries) {
      if (entry.action !== "ids.alert") continue;
      const rule = entry.reasonCode?.replace(/^ids\./, "") ?? "unknown";
      idsAlerts.inc({ rule, severity: severityOf.get(rule) ?? "unknown" });
    }
  });

  return {
    registry,
    contentType: registry.contentType,
    observeRequest({ method, route, status, seconds }) {
      const labels = { route, method, status_class: statusClass(status) };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
    rateLimitRefused(limitClass) {
      rateLimited.inc({ class: limitClass });
    },
    wafBlocked(families) {
      for (const family of new Set(families)) wafBlocks.inc({ family });
    },
    render: () => registry.metrics(),
  };
}
