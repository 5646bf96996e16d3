import type { Audit } from "../audit/index.js";
import type { IdsSettings } from "../config/ids-settings.js";
import type { Database } from "../db/index.js";
import type { Clock, Principal } from "../kernel/index.js";
import { createIdsEngine, type IdsEngine } from "./engine.js";
import { createIdsOfficer, type IdsAction, type IdsOfficer } from "./officer.js";
import { createRestrictionChecks, type RestrictionChecks } from "./restrictions.js";
import { buildRules, ruleIds } from "./rules/index.js";
import type { Rule } from "./types.js";
import { createWebhookDeliverer, type WebhookDeliverer, type WebhookRetry } from "./webhook.js";

export type { IdsOfficer } from "./officer.js";
export type { RestrictionChecks } from "./restrictions.js";
export type { AlertRow, AlertState } from "./store.js";
export type { RestrictionRow } from "./restriction-store.js";
export type { WatchedPatient } from "./watch-list-store.js";
export type { Rule, Severity, ResponseKind, Finding } from "./types.js";
export { signWebhook } from "./webhook.js";
export { networkOf } from "./network.js";
export { ruleIds, type RuleId } from "./rules/index.js";

export interface Ids {
  rules: readonly Rule[];
  engine: IdsEngine;
  officer: IdsOfficer;
  checks: RestrictionChecks;
  webhook: WebhookDeliverer | undefined;
  /** Starts the engine and the webhook deliverer (when this node runs detection). */
  start(): void;
  /** Stops both after the work in flight; call before the database closes. */
  stop(): Promise<void>;
}

/**
 * Intrusion detection and prevention over the audit trail (NET-1, LOG-4): rules, the engine that follows the trail,
 * automatic responses, the security officer's queue and the alert webhook. The engine wakes on every append of
 * this node and polls for other nodes' entries.
 */
export function createIds(deps: {
  db: Database;
  audit: Audit;
  clock: Clock;
  settings: IdsSettings;
  signInStepMs: number;
  may: (principal: Principal, action: IdsAction) => { allowed: boolean; reasonCode: string };
  webhookRetry?: Partial<WebhookRetry>;
  onError?: (what: "engine" | "webhook", error: unknown) => void;
}): Ids {
  const { settings } = deps;
  const byId = buildRules(settings.thresholds);
  const rules = ruleIds.map((id) => byId[id]);
  const checks = createRestrictionChecks(deps);
  const webhook = settings.webhook
    ? createWebhookDeliverer({ db: deps.db, clock: deps.clock, url: settings.webhook.url, secret: settings.webhook.secret, ...(deps.webhookRetry ? { retry: deps.webhookRetry } : {}), onError: (error) => deps.onError?.("webhook", error) })
    : undefined;
  const engine = createIdsEngine({
    db: deps.db,
    audit: deps.audit,
    clock: deps.clock,
    rules: ruleIds.map((id) => ({ rule: byId[id], settings: settings.rules[id] })),
    batchSize: settings.batchSize,
    pollMs: settings.pollMs,
    signInStepMs: deps.signInStepMs,
    hasWebhook: webhook !== undefined,
    onAlerts: () => {
      checks.invalidate();
      webhook?.wake();
    },
    onError: (error) => deps.onError?.("engine", error),
  });
  const officer = createIdsOfficer({ db: deps.db, audit: deps.audit, clock: deps.clock, rules, may: deps.may, onRestrictionsChanged: () => checks.invalidate() });
  let isSubscribed = false;

  return {
    rules,
    engine,
    officer,
    checks,
    webhook,
    start() {
      if (!settings.enabled) return;
      if (!isSubscribed) {
        isSubscribed = true;
        deps.audit.onAppend(() => engine.wake());
      }
      engine.start();
      webhook?.start();
    },
    async stop() {
      await engine.stop();
      await webhook?.stop();
    },
  };
}
