import { needsSecondApproval } from "../../shared/api/duties.js";
import type { Role, StaffRole } from "../../shared/api/session.js";
import { actorOf, grantAction, type Audit, type AuditEntry } from "../audit/index.js";
import type { Database, Executor } from "../db/index.js";
import { AppError, newId, type Clock, type ErrorCode, type Principal } from "../kernel/index.js";
import { createLifecycleStore, type AccountSummaryRow } from "./lifecycle-store.js";
import { createRoleRequestStore, type PendingRoleRequestRow, type RoleRequestRow } from "./role-request-store.js";

export type RoleChangeAction = "change_roles" | "approve_role_change" | "reject_role_change" | "read_accounts";

/** Facts the access policy compares (identity.cedar): whose account, and who asked. */
export type RoleChangeContext = { isOwnAccount: boolean; isRequester?: boolean };

/** Told when an account loses a role, so the sessions that carried it can end. */
export type RolesRemovedListener = (event: { accountId: string; roles: readonly Role[] }) => Promise<void>;

export type RoleChangeOutcome = { status: "applied" } | { status: "pending"; requestId: string; expiresAt: Date };

/** A pending request with what the caller may do with it (the screen offers only that). */
export type PendingRoleRequest = PendingRoleRequestRow & { canApprove: boolean };

// Refusals the person can act on get their own code; any other refusal is the generic `access.denied`.
const ownCodes: readonly ErrorCode[] = ["identity.own_roles", "identity.own_role_request"];
const ownCodeOf = (reasonCode: string) => ownCodes.find((code) => code === reasonCode);
const listLimit = 200;

const rolesText = (roles: readonly Role[]) => [...roles].sort().join("+");

/**
 * Role changes (AUTH-6, ACC-2). A role is future access, so every change is an access decision: Cedar refuses a
 * change to one's own roles, a change that gives an administrative duty or mixes one with a clinical duty waits for a
 * second administrator's approval (two-person rule, `requestMs` at most), and each applied change is audited with an
 * `access.grant` entry per direction in the same transaction. Step-up is the route's part.
 */
export function createRoleChanges(deps: {
  db: Database;
  audit: Audit;
  clock: Clock;
  /** How long a request waits for approval before it lapses. */
  requestMs: number;
  may: (principal: Principal, action: RoleChangeAction, context?: RoleChangeContext) => { allowed: boolean; reasonCode: string };
}) {
  const { db, audit, clock } = deps;
  const listeners: RolesRemovedListener[] = [];

  async function authorize(principal: Principal, action: RoleChangeAction, entry: Pick<AuditEntry, "action" | "resource">, context?: RoleChangeContext): Promise<void> {
    const decision = deps.may(principal, action, context);
    if (decision.allowed) return;
    await audit.record({ ...entry, outcome: "denied", reasonCode: decision.reasonCode, actor: actorOf(principal), network: principal.network });
    const own = ownCodeOf(decision.reasonCode);
    throw own ? new AppError(own) : new AppError("access.denied", { detail: decision.reasonCode });
  }

  /**
   * Replaces the roles of the locked account inside `trx` and appends the change and its grants; refuses a patient
   * account and a change that would leave no active administrator. Returns the roles removed.
   */
  async function apply(trx: Executor, principal: Principal, accountId: string, next: Role[], approval?: { request: RoleRequestRow }): Promise<Role[]> {
    const store = createLifecycleStore(trx);
    const account = await lockChangeable(store, accountId, next);
    if (approval && rolesText(account.roles) !== rolesText(approval.request.previousRoles)) throw new AppError("identity.role_request_stale");
    await store.setRoles(accountId, next);
    // Role names are not medical content; the old and new sets make each entry reviewable on its own.
    const reasonCode = `roles:${rolesText(account.roles)}>${rolesText(next)}`;
    const base = { outcome: "success" as const, reasonCode, actor: actorOf(principal), resource: { type: "Account", id: accountId }, network: principal.network };
    await audit.recordWithin(trx, { ...base, action: "identity.roles_change" });
    const requestedBy = approval && { accountId: approval.request.requestedBy };
    const added = next.filter((role) => !account.roles.includes(role));
    const removed = account.roles.filter((role) => !next.includes(role));
    if (added.length > 0) await audit.recordWithin(trx, { ...base, action: grantAction, grant: { kind: "role", change: "granted", grantee: { accountId }, roles: added, requestedBy } });
    if (removed.length > 0) await audit.recordWithin(trx, { ...base, action: grantAction, grant: { kind: "role", change: "revoked", grantee: { accountId }, roles: removed, requestedBy } });
    return removed;
  }

  /**
   * Locks the administrators, then the account (the lock order of every account change, lifecycle.ts), and refuses a
   * patient account and roles that would leave no active administrator.
   */
  async function lockChangeable(store: ReturnType<typeof createLifecycleStore>, accountId: string, next: readonly Role[]): Promise<AccountSummaryRow> {
    const admins = await store.lockActiveAdmins();
    const account = await store.lockAccount(accountId);
    if (!account) throw new AppError("identity.account_not_found");
    if (account.kind === "patient") throw new AppError("identity.patient_account_roles");
    const remaining = admins.filter((id) => id !== accountId).length + (account.status === "active" && next.includes("admin") ? 1 : 0);
    if (admins.length > 0 && remaining === 0) throw new AppError("identity.last_administrator");
    return account;
  }

  async function notifyRemoved(accountId: string, roles: Role[]): Promise<void> {
    // In order, each awaited: a listener that fails (ending sessions) fails the request loudly, after the commit.
    if (roles.length > 0) for (const listener of listeners) await listener({ accountId, roles });
  }

  return {
    /**
     * Replaces a staff account's roles, effective on its next request; the account's sessions end when it loses a
     * role. A change that needs a second administrator is stored instead and answered `pending`.
     * @throws {AppError} `identity.own_roles`, `access.denied`, `identity.account_not_found`,
     * `identity.patient_account_roles`, `identity.last_administrator`.
     */
    async change(principal: Principal, accountId: string, roles: readonly StaffRole[]): Promise<RoleChangeOutcome> {
      const resource = { type: "Account", id: accountId };
      await authorize(principal, "change_roles", { action: "identity.roles_change", resource }, { isOwnAccount: principal.accountId === accountId });
      const next = [...new Set(roles)].sort() as Role[];
      const outcome = await db.kysely.transaction().execute(async (trx): Promise<{ removed: Role[] } | { pending: RoleRequestRow }> => {
        // Refused at once when it could never be applied, rather than after a second administrator approved it.
        const account = await lockChangeable(createLifecycleStore(trx), accountId, next);
        if (!needsSecondApproval(account.roles, next)) return { removed: await apply(trx, principal, accountId, next) };
        const now = clock.now();
        const request = { id: newId(), accountId, roles: next, previousRoles: account.roles, requestedBy: principal.accountId, requestedAt: now, expiresAt: new Date(now.getTime() + deps.requestMs) };
        await createRoleRequestStore(trx).insert(request);
        await audit.recordWithin(trx, {
          action: "identity.role_change_request",
          outcome: "success",
          reasonCode: `roles:${rolesText(account.roles)}>${rolesText(next)}`,
          actor: actorOf(principal),
          resource: { type: "RoleChangeRequest", id: request.id },
          network: principal.network,
        });
        return { pending: request };
      });
      if ("pending" in outcome) return { status: "pending", requestId: outcome.pending.id, expiresAt: outcome.pending.expiresAt };
      await notifyRemoved(accountId, outcome.removed);
      return { status: "applied" };
    },

    /**
     * Applies a pending request as a second administrator: neither the one who asked nor the account concerned.
     * @throws {AppError} `identity.own_role_request`, `identity.own_roles`, `access.denied`,
     * `identity.role_request_not_found` (unknown, decided or expired), `identity.role_request_stale`,
     * `identity.last_administrator`.
     */
    async approve(principal: Principal, requestId: string): Promise<void> {
      const resource = { type: "RoleChangeRequest", id: requestId };
      const seen = await createRoleRequestStore(db.kysely).pending(requestId, clock.now());
      if (!seen) throw new AppError("identity.role_request_not_found");
      const context = { isOwnAccount: principal.accountId === seen.accountId, isRequester: principal.accountId === seen.requestedBy };
      await authorize(principal, "approve_role_change", { action: "identity.role_change_approve", resource }, context);
      const removed = await db.kysely.transaction().execute(async (trx) => {
        const requests = createRoleRequestStore(trx);
        const request = await requests.lockPending(requestId, clock.now());
        // Decided by someone else meanwhile (the row was read before its lock).
        if (!request) throw new AppError("identity.role_request_not_found");
        const lost = await apply(trx, principal, request.accountId, request.roles, { request });
        await requests.decide(requestId, "approved", principal.accountId, clock.now());
        await audit.recordWithin(trx, { action: "identity.role_change_approve", outcome: "success", reasonCode: "identity.dual_approval", actor: actorOf(principal), resource, network: principal.network });
        return lost;
      });
      await notifyRemoved(seen.accountId, removed);
    },

    /**
     * Turns a pending request down; the one who asked may withdraw it this way.
     * @throws {AppError} `access.denied`, `identity.role_request_not_found`.
     */
    async reject(principal: Principal, requestId: string): Promise<void> {
      const resource = { type: "RoleChangeRequest", id: requestId };
      await authorize(principal, "reject_role_change", { action: "identity.role_change_reject", resource });
      await db.kysely.transaction().execute(async (trx) => {
        const requests = createRoleRequestStore(trx);
        if (!(await requests.lockPending(requestId, clock.now()))) throw new AppError("identity.role_request_not_found");
        await requests.decide(requestId, "rejected", principal.accountId, clock.now());
        await audit.recordWithin(trx, { action: "identity.role_change_reject", outcome: "success", actor: actorOf(principal), resource, network: principal.network });
      });
    },

    /** The requests waiting for approval, each with whether the caller may approve it. @throws {AppError} `access.denied`. */
    async pending(principal: Principal): Promise<PendingRoleRequest[]> {
      await authorize(principal, "read_accounts", { action: "identity.role_requests_read", resource: { type: "RoleChangeRequest" } });
      const rows = await createRoleRequestStore(db.kysely).allPending(clock.now(), listLimit);
      return rows.map((row) => ({
        ...row,
        canApprove: deps.may(principal, "approve_role_change", { isOwnAccount: principal.accountId === row.accountId, isRequester: principal.accountId === row.requestedBy }).allowed,
      }));
    },

    /** Subscribes to role removals, e.g. to end the account's sessions. */
    onRolesRemoved(listener: RolesRemovedListener): void {
      listeners.push(listener);
    },
  };
}

export type RoleChanges = ReturnType<typeof createRoleChanges>;
