import { sql, type Generated } from "kysely";
import type { Executor } from "../db/index.js";
import type { Role, StaffRole } from "../../shared/api/session.js";

type IdentityTables = {
  identity_account: {
    id: string;
    email: string;
    display_name: string;
    kind: "staff" | "patient";
    roles: Role[];
    password_hash: string;
    status: "active" | "disabled";
    created_at: Date;
    last_sign_in_at: Date | null;
    patient_id: string | null;
  };
  identity_totp: { account_id: string; secret: Uint8Array; confirmed_at: Date | null; last_step: number | null };
  identity_invitation: {
    id: string;
    token_hash: Uint8Array;
    email: string | null;
    role: Role;
    invited_by: string | null;
    created_at: Date;
    expires_at: Date;
    used_at: Date | null;
    account_id: string | null;
    patient_id: string | null;
    code_hash: Uint8Array | null;
    code_failures: Generated<number>;
    withdrawn_at: Date | null;
  };
};

export interface AccountRow {
  id: string;
  email: string;
  displayName: string;
  kind: "staff" | "patient";
  roles: Role[];
  passwordHash: string;
  status: "active" | "disabled";
  /** For a patient account: the Patient record it belongs to. */
  patientId: string | null;
}

export interface InvitationRow {
  id: string;
  email: string | null;
  role: Role;
  expiresAt: Date;
  usedAt: Date | null;
  /** For a patient invitation: the Patient record the account will belong to. */
  patientId: string | null;
  /** For a patient invitation: SHA-256 of the one-time code the inviting clinician hands over. */
  codeHash: Buffer | null;
}

/** An open staff invitation as administrators list it (no token, not even its hash). */
export interface PendingInvitationRow {
  id: string;
  email: string;
  role: StaffRole;
  expiresAt: Date;
  invitedBy: { id: string; displayName: string };
}

const accountColumns = ["id", "email", "display_name", "kind", "roles", "password_hash", "status", "patient_id"] as const;

function toAccount(row: Pick<IdentityTables["identity_account"], (typeof accountColumns)[number]>): AccountRow {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    kind: row.kind,
    roles: row.roles,
    passwordHash: row.password_hash,
    status: row.status,
    patientId: row.patient_id,
  };
}

/** SQL of the identity module. */
export function createIdentityStore(executor: Executor) {
  const db = executor.withTables<IdentityTables>();
  return {
    async accountByEmail(email: string): Promise<AccountRow | undefined> {
      const row = await db.selectFrom("identity_account").select(accountColumns).where("email", "=", email).executeTakeFirst();
      return row && toAccount(row);
    },
    async account(id: string): Promise<AccountRow | undefined> {
      const row = await db.selectFrom("identity_account").select(accountColumns).where("id", "=", id).executeTakeFirst();
      return row && toAccount(row);
    },
    async insertAccount(row: AccountRow, at: Date): Promise<void> {
      await db
        .insertInto("identity_account")
        .values({
          id: row.id,
          email: row.email,
          display_name: row.displayName,
          kind: row.kind,
          roles: row.roles,
          password_hash: row.passwordHash,
          status: row.status,
          patient_id: row.patientId,
          created_at: at,
        })
        .execute();
    },
    async setPasswordHash(id: string, passwordHash: string): Promise<void> {
      await db.updateTable("identity_account").set({ password_hash: passwordHash }).where("id", "=", id).execute();
    },
    async accountByPatient(patientId: string): Promise<AccountRow | undefined> {
      const row = await db.selectFrom("identity_account").select(accountColumns).where("patient_id", "=", patientId).executeTakeFirst();
      return row && toAccount(row);
    },
    async markSignedIn(id: string, at: Date): Promise<void> {
      await db.updateTable("identity_account").set({ last_sign_in_at: at }).where("id", "=", id).execute();
    },
    async countActiveWithRole(role: Role): Promise<number> {
      const rows = await db
        .selectFrom("identity_account")
        .select("id")
        .where("status", "=", "active")
        .where((eb) => eb(eb.val(role), "=", eb.fn.any("roles")))
        .execute();
      return rows.length;
    },
    async totp(accountId: string): Promise<{ secret: Buffer; confirmedAt: Date | null; lastStep: number | null } | undefined> {
      const row = await db.selectFrom("identity_totp").select(["secret", "confirmed_at", "last_step"]).where("account_id", "=", accountId).executeTakeFirst();
      return row && { secret: Buffer.from(row.secret), confirmedAt: row.confirmed_at, lastStep: row.last_step };
    },
    async putPendingTotp(accountId: string, secret: Buffer): Promise<void> {
      await db
        .insertInto("identity_totp")
        .values({ account_id: accountId, secret, confirmed_at: null, last_step: null })
        .onConflict((oc) => oc.column("account_id").doUpdateSet({ secret, confirmed_at: null, last_step: null }))
        .execute();
    },
    /** Records a used time step; false when that step (or a later one) was already used — a replayed code. */
    async claimTotpStep(accountId: string, step: number, confirmAt?: Date): Promise<boolean> {
      const result = await db
        .updateTable("identity_totp")
        .set({ last_step: step, ...(confirmAt ? { confirmed_at: confirmAt } : {}) })
        .where("account_id", "=", accountId)
        .where((eb) => eb.or([eb("last_step", "is", null), eb("last_step", "<", step)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async insertInvitation(row: Omit<InvitationRow, "codeHash"> & { codeHash?: Buffer | undefined; tokenHash: Buffer; invitedBy: string | null }, at: Date): Promise<void> {
      await db
        .insertInto("identity_invitation")
        .values({
          id: row.id,
          token_hash: row.tokenHash,
          email: row.email,
          role: row.role,
          invited_by: row.invitedBy,
          patient_id: row.patientId,
          code_hash: row.codeHash ?? null,
          created_at: at,
          expires_at: row.expiresAt,
        })
        .execute();
    },
    async invitationByTokenHash(tokenHash: Buffer): Promise<InvitationRow | undefined> {
      const row = await db
        .selectFrom("identity_invitation")
        .select(["id", "email", "role", "expires_at", "used_at", "patient_id", "code_hash"])
        .where("token_hash", "=", tokenHash)
        .executeTakeFirst();
      return (
        row && {
          id: row.id,
          email: row.email,
          role: row.role,
          expiresAt: row.expires_at,
          usedAt: row.used_at,
          patientId: row.patient_id,
          codeHash: row.code_hash ? Buffer.from(row.code_hash) : null,
        }
      );
    },
    /**
     * Marks an invitation used; false when another request used it first, or it was withdrawn or voided meanwhile
     * (a withdrawal ends it by setting its expiry to the moment of withdrawal, and marks it withdrawn so that it is
     * not mistaken for a link that ran out unused).
     */
    async claimInvitation(id: string, accountId: string, at: Date): Promise<boolean> {
      const result = await db
        .updateTable("identity_invitation")
        .set({ used_at: at, account_id: accountId })
        .where("id", "=", id)
        .where("used_at", "is", null)
        .where("expires_at", ">", at)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** Ends every open invitation for the patient now; returns the ids ended (for their audit entries). */
    async withdrawOpenPatientInvitations(patientId: string, at: Date): Promise<string[]> {
      const rows = await db
        .updateTable("identity_invitation")
        .set({ expires_at: at, withdrawn_at: at })
        .where("patient_id", "=", patientId)
        .where("used_at", "is", null)
        .where("expires_at", ">", at)
        .returning("id")
        .execute();
      return rows.map((row) => row.id).sort();
    },
    /**
     * Counts one wrong code against an open invitation and ends it at the `limit`-th; returns the count, or undefined
     * when the invitation was no longer open.
     */
    async countWrongCode(id: string, limit: number, at: Date): Promise<number | undefined> {
      const row = await db
        .updateTable("identity_invitation")
        .set((eb) => ({
          code_failures: eb("code_failures", "+", 1),
          expires_at: sql<Date>`case when code_failures + 1 >= ${limit} then ${at} else expires_at end`,
          withdrawn_at: sql<Date | null>`case when code_failures + 1 >= ${limit} then ${at} else withdrawn_at end`,
        }))
        .where("id", "=", id)
        .where("used_at", "is", null)
        .where("expires_at", ">", at)
        .returning("code_failures")
        .executeTakeFirst();
      return row?.code_failures;
    },
    /**
     * Staff invitations still open at `now`, soonest to expire first, with who issued each. Setup links (issued by
     * nobody) and patient invitations (a clinician's, for one record) are not the administrators' to manage.
     */
    async pendingStaffInvitations(now: Date, limit: number): Promise<PendingInvitationRow[]> {
      const rows = await db
        .selectFrom("identity_invitation as invitation")
        .innerJoin("identity_account as inviter", "inviter.id", "invitation.invited_by")
        .select(["invitation.id", "invitation.email", "invitation.role", "invitation.expires_at", "inviter.id as inviter_id", "inviter.display_name as inviter_name"])
        .where("invitation.used_at", "is", null)
        .where("invitation.expires_at", ">", now)
        .where("invitation.role", "!=", "patient")
        .orderBy("invitation.expires_at")
        .limit(limit)
        .execute();
      return rows.map((row) => ({ id: row.id, email: row.email ?? "", role: row.role as StaffRole, expiresAt: row.expires_at, invitedBy: { id: row.inviter_id, displayName: row.inviter_name } }));
    },
    /** Ends one open staff invitation now; false when it is not open (unknown, used, expired, or not staff). */
    async revokeStaffInvitation(id: string, at: Date): Promise<boolean> {
      const result = await db
        .updateTable("identity_invitation")
        .set({ expires_at: at, withdrawn_at: at })
        .where("id", "=", id)
        .where("used_at", "is", null)
        .where("expires_at", ">", at)
        .where("invited_by", "is not", null)
        .where("role", "!=", "patient")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** Ends every unused setup link (setup links are the invitations nobody issued). */
    async withdrawOpenSetupInvitations(at: Date): Promise<void> {
      await db
        .updateTable("identity_invitation")
        .set({ expires_at: at, withdrawn_at: at })
        .where("invited_by", "is", null)
        .where("used_at", "is", null)
        .where("expires_at", ">", at)
        .execute();
    },
  };
}

export type IdentityStore = ReturnType<typeof createIdentityStore>;
