import { actorOf, type Audit, type AuditEntry } from "../audit/index.js";
import type { Database, Executor } from "../db/index.js";
import { AppError, type Clock, type Principal } from "../kernel/index.js";
import { createLifecycleStore, type AccountSummaryRow } from "./lifecycle-store.js";

export type LifecycleAction = "deactivate_account" | "reactivate_account";

/** Told when an account stops being able to act, so every credential it holds can be withdrawn. */
export type DeactivationListener = (event: { accountId: string; reasonCode: "identity.deactivated" | "identity.dormant" }) => Promise<void>;

const sweepOrigin = { ip: "127.0.0.1", userAgent: "mamori-dormant-sweep" };
const dayMs = 86_400_000;

/**
 * Account lifecycle for administrators (AUTH-6, AUTH-7): deactivate, reactivate, and the sweep that
 * disables staff accounts nobody has used for a while. Every change is authorized (Cedar), audited in the same
 * transaction, and never leaves the service without an active administrator.
 */
export function createLifecycle(deps: {
  db: Database;
  audit: Audit;
  clock: Clock;
  dormantDays: number;
  may: (principal: Principal, action: LifecycleAction) => { allowed: boolean; reasonCode: string };
}) {
  const { db, audit, clock } = deps;
  const listeners: DeactivationListener[] = [];

  async function authorize(principal: Principal, action: LifecycleAction, auditAction: string, accountId: string): Promise<void> {
    const decision = deps.may(principal, action);
    if (decision.allowed) return;
    await audit.record({ action: auditAction, outcome: "denied", reasonCode: decision.reasonCode, actor: actorOf(principal), resource: { type: "Account", id: accountId }, network: principal.network });
    throw new AppError("access.denied", { detail: decision.reasonCode });
  }

  /** Runs a change on one locked account row; refuses when it would leave no active administrator. */
  async function change(
    accountId: string,
    apply: (s: ReturnType<typeof createLifecycleStore>, account: AccountSummaryRow, trx: Executor) => Promise<AuditEntry | undefined>,
    after: { isAdmin: (account: AccountSummaryRow) => boolean },
  ): Promise<AccountSummaryRow> {
    return db.kysely.transaction().execute(async (trx) => {
      const s = createLifecycleStore(trx);
      const admins = await s.lockActiveAdmins();
      const account = await s.lockAccount(accountId);
      if (!account) throw new AppError("identity.account_not_found");
      const remaining = admins.filter((id) => id !== accountId).length + (after.isAdmin(account) ? 1 : 0);
      if (admins.length > 0 && remaining === 0) throw new AppError("identity.last_administrator");
      const entry = await apply(s, account, trx);
      if (entry) await audit.recordWithin(trx, entry);
      return account;
    });
  }

  async function notifyDeactivated(accountId: string, reasonCode: "identity.deactivated" | "identity.dormant"): Promise<void> {
    // In order, each awaited: a listener that fails (e.g. token revocation) fails the request loudly.
    for (const listener of listeners) await listener({ accountId, reasonCode });
  }

  /**
   * Disables every active staff account without a sign-in for the configured days (accounts never signed in
   * count from creation or reactivation), one audited transaction each; the last active administrator is kept.
   * Returns the ids disabled.
   */
  async function runDormantSweep(now: Date = clock.now()): Promise<string[]> {
    const before = new Date(now.getTime() - deps.dormantDays * dayMs);
    const disabled: string[] = [];
    for (const candidate of await createLifecycleStore(db.kysely).dormantStaff(before)) {
      let isDisabled = false;
      try {
        await change(
          candidate.id,
          async (s, account) => {
            if (account.status !== "active") return undefined;
            await s.setStatus(account.id, "disabled", now);
            isDisabled = true;
            return { action: "identity.dormant_disable", outcome: "success", reasonCode: "identity.dormant", actor: {}, resource: { type: "Account", id: account.id }, network: sweepOrigin };
          },
          { isAdmin: () => false },
        );
      } catch (error) {
        if (error instanceof AppError && error.code === "identity.last_administrator") continue;
        throw error;
      }
      // Counted only once its transaction has committed.
      if (isDisabled) disabled.push(candidate.id);
    }
    for (const accountId of disabled) await notifyDeactivated(accountId, "identity.dormant");
    return disabled;
  }

  return {
    /**
     * Disables an account; its web sessions end at once and every deactivation listener is told.
     * @throws {AppError} `access.denied`, `identity.account_not_found`, `identity.last_administrator`.
     */
    async deactivate(principal: Principal, accountId: string): Promise<void> {
      await authorize(principal, "deactivate_account", "identity.deactivate", accountId);
      let changed = false;
      await change(
        accountId,
        async (s, account) => {
          if (account.status === "disabled") return undefined;
          changed = true;
          await s.setStatus(accountId, "disabled", clock.now());
          return { action: "identity.deactivate", outcome: "success", actor: actorOf(principal), resource: { type: "Account", id: accountId }, network: principal.network };
        },
        { isAdmin: () => false },
      );
      if (changed) await notifyDeactivated(accountId, "identity.deactivated");
    },
    /** Makes a disabled account active again. @throws {AppError} `access.denied`, `identity.account_not_found`. */
    async reactivate(principal: Principal, accountId: string): Promise<void> {
      await authorize(principal, "reactivate_account", "identity.reactivate", accountId);
      await change(
        accountId,
        async (s, account) => {
          if (account.status === "active") return undefined;
          await s.setStatus(accountId, "active", clock.now());
          return { action: "identity.reactivate", outcome: "success", actor: actorOf(principal), resource: { type: "Account", id: accountId }, network: principal.network };
        },
        { isAdmin: (account) => account.roles.includes("admin") },
      );
    },
    runDormantSweep,
    /** Runs the dormant sweep now and then every `everyMs`, off the request path; returns a stop function. */
    startDormantSweep(everyMs: number, onError: (error: unknown) => void): () => void {
      const run = () => {
        runDormantSweep().catch(onError);
      };
      run();
      const timer = setInterval(run, everyMs);
      timer.unref();
      return () => clearInterval(timer);
    },
    /** Subscribes to deactivations (by an administrator or the dormant sweep), e.g. to revoke OAuth tokens. */
    onDeactivated(listener: DeactivationListener): void {
      listeners.push(listener);
    },
  };
}

export type Lifecycle = ReturnType<typeof createLifecycle>;
