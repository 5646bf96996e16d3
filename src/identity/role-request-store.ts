import type { Role } from "../../shared/api/session.js";
import type { Executor } from "../db/index.js";

type RoleRequestTables = {
  identity_role_request: {
    id: string;
    account_id: string;
    roles: Role[];
    previous_roles: Role[];
    requested_by: string;
    requested_at: Date;
    expires_at: Date;
    state: "pending" | "approved" | "rejected";
    decided_by: string | null;
    decided_at: Date | null;
  };
  identity_account: { id: string; display_name: string };
};

export interface RoleRequestRow {
  id: string;
  accountId: string;
  roles: Role[];
  previousRoles: Role[];
  requestedBy: string;
  requestedAt: Date;
  expiresAt: Date;
}

/** A pending request as the account administration screen lists it, with both people's names. */
export interface PendingRoleRequestRow extends RoleRequestRow {
  accountName: string;
  requesterName: string;
}

const columns = ["r.id", "r.account_id", "r.roles", "r.previous_roles", "r.requested_by", "r.requested_at", "r.expires_at"] as const;

/** SQL of role-change requests awaiting a second administrator (two-person rule). */
export function createRoleRequestStore(executor: Executor) {
  const db = executor.withTables<RoleRequestTables>();
  return {
    async insert(row: RoleRequestRow): Promise<void> {
      await db
        .insertInto("identity_role_request")
        .values({
          id: row.id,
          account_id: row.accountId,
          roles: row.roles,
          previous_roles: row.previousRoles,
          requested_by: row.requestedBy,
          requested_at: row.requestedAt,
          expires_at: row.expiresAt,
          state: "pending",
          decided_by: null,
          decided_at: null,
        })
        .execute();
    },
    /** A request still pending and not expired at `now`. */
    async pending(id: string, now: Date): Promise<RoleRequestRow | undefined> {
      const row = await db.selectFrom("identity_role_request as r").select(columns).where("r.id", "=", id).where("r.state", "=", "pending").where("r.expires_at", ">", now).executeTakeFirst();
      return row && toRow(row);
    },
    /** The same, with the row locked until the transaction ends, so a request is decided once. */
    async lockPending(id: string, now: Date): Promise<RoleRequestRow | undefined> {
      const row = await db
        .selectFrom("identity_role_request as r")
        .select(columns)
        .where("r.id", "=", id)
        .where("r.state", "=", "pending")
        .where("r.expires_at", ">", now)
        .forUpdate()
        .executeTakeFirst();
      return row && toRow(row);
    },
    async decide(id: string, state: "approved" | "rejected", by: string, at: Date): Promise<void> {
      await db.updateTable("identity_role_request").set({ state, decided_by: by, decided_at: at }).where("id", "=", id).execute();
    },
    /** Every request pending and not expired at `now`, oldest first. */
    async allPending(now: Date, limit: number): Promise<PendingRoleRequestRow[]> {
      const rows = await db
        .selectFrom("identity_role_request as r")
        .innerJoin("identity_account as a", "a.id", "r.account_id")
        .innerJoin("identity_account as q", "q.id", "r.requested_by")
        .select([...columns, "a.display_name as account_name", "q.display_name as requester_name"])
        .where("r.state", "=", "pending")
        .where("r.expires_at", ">", now)
        .orderBy("r.requested_at")
        .limit(limit)
        .execute();
      return rows.map((row) => ({ ...toRow(row), accountName: row.account_name, requesterName: row.requester_name }));
    },
  };
}

function toRow(row: { id: string; account_id: string; roles: Role[]; previous_roles: Role[]; requested_by: string; requested_at: Date; expires_at: Date }): RoleRequestRow {
  return {
    id: row.id,
    accountId: row.account_id,
    roles: row.roles,
    previousRoles: row.previous_roles,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    expiresAt: row.expires_at,
  };
}
