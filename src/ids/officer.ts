import { actorOf, type Audit } from "../audit/index.js";
import type { Database } from "../db/index.js";
import { AppError, type Clock, type Principal } from "../kernel/index.js";
import { createRestrictionStore, type RestrictionRow } from "./restriction-store.js";
import { createAlertStore, type AlertRow, type AlertState } from "./store.js";
import type { Rule } from "./types.js";
import { createWatchListStore, type WatchedPatient } from "./watch-list-store.js";

export type IdsAction = "manage_ids" | "manage_watch_list";

/**
 * The security officer's side of intrusion detection: the alert queue and its state changes, the restrictions
 * in force and lifting them, and the watch list. Each call is authorized (Cedar `manage_ids` /
 * `manage_watch_list`) and audited, denials included.
 */
export function createIdsOfficer(deps: {
  db: Database;
  audit: Audit;
  clock: Clock;
  rules: readonly Rule[];
  may: (principal: Principal, action: IdsAction) => { allowed: boolean; reasonCode: string };
  /** Told after a restriction was lifted, so enforcement caches forget it at once. */
  onRestrictionsChanged: () => void;
}) {
  const { db, audit, clock } = deps;
  const ruleById = new Map(deps.rules.map((rule) => [rule.id, rule]));

  async function authorize(principal: Principal, action: IdsAction, auditAction: string, resource: { type: string; id?: string }): Promise<string> {
    const decision = deps.may(principal, action);
    if (!decision.allowed) {
      await audit.record({ action: auditAction, outcome: "denied", reasonCode: decision.reasonCode, actor: actorOf(principal), resource, network: principal.network });
      throw new AppError("access.denied");
    }
    return decision.reasonCode;
  }

  function describe(alert: AlertRow) {
    const rule = ruleById.get(alert.ruleId);
    return { ...alert, description: rule?.description ?? { ja: alert.ruleId, en: alert.ruleId } };
  }

  return {
    /** The alert queue, newest first. @throws {AppError} `access.denied`. */
    async listAlerts(principal: Principal, filter: { state?: AlertState | undefined; limit?: number | undefined }) {
      const reasonCode = await authorize(principal, "manage_ids", "ids.alerts_read", { type: "IdsAlert" });
      const alerts = await createAlertStore(db.kysely).list({ state: filter.state, limit: filter.limit ?? 200 });
      await audit.record({ action: "ids.alerts_read", outcome: "success", reasonCode, actor: actorOf(principal), resource: { type: "IdsAlert" }, network: principal.network });
      return alerts.map(describe);
    },

    /**
     * Moves an alert open → acknowledged → closed (an open alert may also be closed directly).
     * @throws {AppError} `access.denied`, `ids.alert_not_found`, `ids.alert_state_conflict`.
     */
    async changeState(principal: Principal, alertId: string, to: "acknowledged" | "closed", note: string) {
      await authorize(principal, "manage_ids", "ids.alert_state", { type: "IdsAlert", id: alertId });
      const store = createAlertStore(db.kysely);
      const alert = await store.get(alertId);
      if (!alert) throw new AppError("ids.alert_not_found");
      const isAllowedMove = (alert.state === "open" && (to === "acknowledged" || to === "closed")) || (alert.state === "acknowledged" && to === "closed");
      if (!isAllowedMove) throw new AppError("ids.alert_state_conflict");
      await db.kysely.transaction().execute(async (trx) => {
        if (!(await createAlertStore(trx).transition(alertId, alert.state, to, principal.accountId, note, clock.now()))) throw new AppError("ids.alert_state_conflict");
        await audit.recordWithin(trx, { action: "ids.alert_state", outcome: "success", reasonCode: `ids.${to}`, actor: actorOf(principal), resource: { type: "IdsAlert", id: alertId }, network: principal.network });
      });
      return describe((await store.get(alertId))!);
    },

    /** Locked accounts and blocked addresses in force. @throws {AppError} `access.denied`. */
    async activeRestrictions(principal: Principal): Promise<RestrictionRow[]> {
      const reasonCode = await authorize(principal, "manage_ids", "ids.restrictions_read", { type: "IdsRestriction" });
      const rows = await createRestrictionStore(db.kysely).active(clock.now());
      await audit.record({ action: "ids.restrictions_read", outcome: "success", reasonCode, actor: actorOf(principal), resource: { type: "IdsRestriction" }, network: principal.network });
      return rows;
    },

    /** Lifts a lock or block before its time. @throws {AppError} `access.denied`, `ids.restriction_not_found`. */
    async lift(principal: Principal, restrictionId: string): Promise<void> {
      await authorize(principal, "manage_ids", "ids.restriction_lift", { type: "IdsRestriction", id: restrictionId });
      await db.kysely.transaction().execute(async (trx) => {
        const lifted = await createRestrictionStore(trx).lift(restrictionId, principal.accountId, clock.now());
        if (!lifted) throw new AppError("ids.restriction_not_found");
        await audit.recordWithin(trx, {
          action: "ids.restriction_lift",
          outcome: "success",
          reasonCode: `ids.lift_${lifted.kind}`,
          actor: actorOf(principal),
          resource: { type: "IdsRestriction", id: restrictionId },
          network: principal.network,
        });
      });
      deps.onRestrictionsChanged();
    },

    /** The watch list. @throws {AppError} `access.denied`. */
    async watchList(principal: Principal): Promise<WatchedPatient[]> {
      await authorize(principal, "manage_watch_list", "ids.watch_list_read", { type: "IdsWatchList" });
      return createWatchListStore(db.kysely).all();
    },

    /** Adds (or relabels) a watched patient. @throws {AppError} `access.denied`. */
    async watch(principal: Principal, patientId: string, label: string): Promise<void> {
      await authorize(principal, "manage_watch_list", "ids.watch_list_add", { type: "Patient", id: patientId });
      await db.kysely.transaction().execute(async (trx) => {
        await createWatchListStore(trx).add({ patientId, label, addedBy: principal.accountId, addedAt: clock.now() });
        await audit.recordWithin(trx, { action: "ids.watch_list_add", outcome: "success", actor: actorOf(principal), resource: { type: "Patient", id: patientId }, network: principal.network });
      });
    },

    /** Removes a watched patient. @throws {AppError} `access.denied`, `ids.watch_list_not_found`. */
    async unwatch(principal: Principal, patientId: string): Promise<void> {
      await authorize(principal, "manage_watch_list", "ids.watch_list_remove", { type: "Patient", id: patientId });
      await db.kysely.transaction().execute(async (trx) => {
        if (!(await createWatchListStore(trx).remove(patientId))) throw new AppError("ids.watch_list_not_found");
        await audit.recordWithin(trx, { action: "ids.watch_list_remove", outcome: "success", actor: actorOf(principal), resource: { type: "Patient", id: patientId }, network: principal.network });
      });
    },
  };
}

export type IdsOfficer = ReturnType<typeof createIdsOfficer>;
