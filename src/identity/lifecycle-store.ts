import { sql } from "kysely";
import type { Role } from "../../shared/api/session.js";
import type { Executor } from "../db/index.js";

type LifecycleTables = {
  identity_account: {
    id: string;
    email: string;
    display_name: string;
    kind: "staff" | "patient";
    roles: Role[];
    status: "active" | "disabled";
    created_at: Date;
    last_sign_in_at: Date | null;
    reactivated_at: Date | null;
  };
};

export interface AccountSummaryRow {
  id: string;
  email: string;
  displayName: string;
  kind: "staff" | "patient";
  roles: Role[];
  status: "active" | "disabled";
  createdAt: Date;
  lastSignInAt: Date | null;
}

/** SQL of account lifecycle: status, roles, dormancy, listings. */
export function createLifecycleStore(executor: Executor) {
  const db = executor.withTables<LifecycleTables>();
  return {
    /** Locks the account row for the rest of the transaction and returns it. */
    async lockAccount(id: string): Promise<AccountSummaryRow | undefined> {
      const row = await db
        .selectFrom("identity_account")
        .select(["id", "email", "display_name", "kind", "roles", "status", "created_at", "last_sign_in_at"])
        .where("id", "=", id)
        .forUpdate()
        .executeTakeFirst();
      return row && toSummary(row);
    },
    /**
     * Ids of the active administrators, with their rows locked until the transaction ends, so two concurrent
     * changes cannot both remove "the other" administrator.
     */
    async lockActiveAdmins(): Promise<string[]> {
      const rows = await db
        .selectFrom("identity_account")
        .select("id")
        .where("status", "=", "active")
        .where((eb) => eb(eb.val("admin"), "=", eb.fn.any("roles")))
        .orderBy("id")
        .forUpdate()
        .execute();
      return rows.map((row) => row.id);
    },
    async setStatus(id: string, status: "active" | "disabled", at: Date): Promise<void> {
      await db
        .updateTable("identity_account")
        .set({ status, ...(status === "active" ? { reactivated_at: at } : {}) })
        .where("id", "=", id)
        .execute();
    },
    async setRoles(id: string, roles: Role[]): Promise<void> {
      await db.updateTable("identity_account").set({ roles }).where("id", "=", id).execute();
    },
    /** Active staff accounts whose last sign-in (or creation, or reactivation) is before `before`. */
    async dormantStaff(before: Date): Promise<AccountSummaryRow[]> {
      const rows = await db
        .selectFrom("identity_account")
        .select(["id", "email", "display_name", "kind", "roles", "status", "created_at", "last_sign_in_at"])
        .where("status", "=", "active")
        .where("kind", "=", "staff")
        .where(sql<Date>`greatest(created_at, coalesce(last_sign_in_at, created_at), coalesce(reactivated_at, created_at))`, "<", before)
        .orderBy("created_at")
        .execute();
      return rows.map(toSummary);
    },
    async accounts(): Promise<AccountSummaryRow[]> {
      const rows = await db
        .selectFrom("identity_account")
        .select(["id", "email", "display_name", "kind", "roles", "status", "created_at", "last_sign_in_at"])
        .orderBy("kind", "desc")
        .orderBy("created_at")
        .execute();
      return rows.map(toSummary);
    },
  };
}

function toSummary(row: Omit<LifecycleTables["identity_account"], "reactivated_at">): AccountSummaryRow {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    kind: row.kind,
    roles: row.roles,
    status: row.status,
    createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
  };
}
