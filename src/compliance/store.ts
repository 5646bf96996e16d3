import { sql } from "kysely";
import type { Executor } from "../db/index.js";
import type { IncidentKind } from "../incidents/index.js";

type ComplianceTables = {
  compliance_signing_key: { id: string; public_key: Uint8Array; private_key: Uint8Array; created_at: Date };
  compliance_attestation: {
    id: string;
    control_id: string;
    statement: string;
    attested_by: string;
    attested_at: Date;
    expires_at: Date;
    key_id: string;
    signature: Uint8Array;
    document_title: string | null;
    document_reference: string | null;
    approved_by: string | null;
    approved_at: Date | null;
    approval_key_id: string | null;
    approval_signature: Uint8Array | null;
  };
  identity_account: { id: string; email: string; display_name: string; kind: string; roles: string[]; status: string; created_at: Date; last_sign_in_at: Date | null };
  identity_totp: { account_id: string; confirmed_at: Date | null };
  identity_invitation: { id: string; expires_at: Date; used_at: Date | null; withdrawn_at: Date | null; role: string; invited_by: string | null; account_id: string | null };
  identity_role_request: { id: string; account_id: string; requested_by: string; decided_by: string | null };
  audit_checkpoint: { seq: number; signed_at: Date };
  audit_chain_head: { id: number; seq: number };
  audit_export_cursor: { sink: string; seq: number; updated_at: Date };
  audit_entry: { seq: number; recorded_at: Date; entry: unknown };
  crypto_kek: { id: string; created_at: Date; retired_at: Date | null };
  identity_sign_in_throttle: { scope: string; subject: string; locked_until: Date | null };
  identity_recovery_code: { account_id: string; used_at: Date | null };
  identity_webauthn_credential: { id: string; account_id: string };
  incident: { id: string; kind: IncidentKind; detected_at: Date };
  incident_note: { incident_id: string; kind: string; at: Date };
  ids_cursor: { name: string; seq: number };
  ids_alert: { id: string; severity: string; state: string; opened_at: Date };
};

export interface AttestationRow {
  id: string;
  controlId: string;
  statement: string;
  attestedBy: string;
  attestedAt: Date;
  expiresAt: Date;
  keyId: string;
  signature: Buffer;
  /** The document the statement rests on; null only on attestations recorded before documents were required. */
  document: { title: string; reference: string } | null;
  approval: AttestationApproval | null;
}

/** A second person's signed approval of an attestation. */
export interface AttestationApproval {
  approvedBy: string;
  approvedAt: Date;
  keyId: string;
  signature: Buffer;
}

type AttestationTableRow = ComplianceTables["compliance_attestation"];

function toAttestationRow(row: AttestationTableRow): AttestationRow {
  return {
    id: row.id,
    controlId: row.control_id,
    statement: row.statement,
    attestedBy: row.attested_by,
    attestedAt: row.attested_at,
    expiresAt: row.expires_at,
    keyId: row.key_id,
    signature: Buffer.from(row.signature),
    document: row.document_title === null ? null : { title: row.document_title, reference: row.document_reference ?? "" },
    approval:
      row.approved_by === null || row.approved_at === null || row.approval_key_id === null || row.approval_signature === null
        ? null
        : { approvedBy: row.approved_by, approvedAt: row.approved_at, keyId: row.approval_key_id, signature: Buffer.from(row.approval_signature) },
  };
}

/**
 * SQL of the compliance module: its own attestation tables, and read-only status figures of other modules' tables
 * (counts and dates only, never content), which is what "every module's read-only status" means in the design.
 */
export function createComplianceStore(executor: Executor) {
  const db = executor.withTables<ComplianceTables>();
  return {
    async signingKeys(): Promise<Array<{ id: string; publicKey: Buffer; privateKey: Buffer }>> {
      const rows = await db.selectFrom("compliance_signing_key").select(["id", "public_key", "private_key"]).orderBy("created_at", "desc").execute();
      return rows.map((row) => ({ id: row.id, publicKey: Buffer.from(row.public_key), privateKey: Buffer.from(row.private_key) }));
    },
    async insertSigningKey(row: { id: string; publicKey: Buffer; privateKey: Buffer }, at: Date): Promise<void> {
      await db.insertInto("compliance_signing_key").values({ id: row.id, public_key: row.publicKey, private_key: row.privateKey, created_at: at }).execute();
    },
    /** Stores a new attestation; it waits for approval (its approval columns stay empty). */
    async insertAttestation(row: Omit<AttestationRow, "approval">): Promise<void> {
      await db
        .insertInto("compliance_attestation")
        .values({
          id: row.id,
          control_id: row.controlId,
          statement: row.statement,
          attested_by: row.attestedBy,
          attested_at: row.attestedAt,
          expires_at: row.expiresAt,
          key_id: row.keyId,
          signature: row.signature,
          document_title: row.document?.title ?? null,
          document_reference: row.document?.reference ?? null,
        })
        .execute();
    },
    async attestationById(id: string): Promise<AttestationRow | undefined> {
      const row = await db.selectFrom("compliance_attestation").selectAll().where("id", "=", id).executeTakeFirst();
      return row && toAttestationRow(row);
    },
    /** Records the approval once; false when the attestation was approved meanwhile. */
    async approveAttestation(id: string, approval: AttestationApproval): Promise<boolean> {
      const result = await db
        .updateTable("compliance_attestation")
        .set({ approved_by: approval.approvedBy, approved_at: approval.approvedAt, approval_key_id: approval.keyId, approval_signature: approval.signature })
        .where("id", "=", id)
        .where("approved_by", "is", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** Every attestation, newest first within each control (the table holds a few rows per control and year). */
    async attestationsNewestFirst(): Promise<AttestationRow[]> {
      const rows = await db.selectFrom("compliance_attestation").selectAll().orderBy("control_id").orderBy("attested_at", "desc").orderBy("id").execute();
      return rows.map(toAttestationRow);
    },
    /**
     * Whether one of two accounts put the other in office: invited it, or asked for or approved a change of its
     * roles. Two such accounts may be one person's, so they do not make two people for a two-person rule.
     */
    async appointedTogether(first: string, second: string): Promise<boolean> {
      const invited = await db
        .selectFrom("identity_invitation")
        .select("id")
        .where((eb) => eb.or([eb.and([eb("invited_by", "=", first), eb("account_id", "=", second)]), eb.and([eb("invited_by", "=", second), eb("account_id", "=", first)])]))
        .limit(1)
        .executeTakeFirst();
      if (invited) return true;
      const roleChange = await db
        .selectFrom("identity_role_request")
        .select("id")
        .where((eb) =>
          eb.or([
            eb.and([eb("account_id", "=", second), eb.or([eb("requested_by", "=", first), eb("decided_by", "=", first)])]),
            eb.and([eb("account_id", "=", first), eb.or([eb("requested_by", "=", second), eb("decided_by", "=", second)])]),
          ]),
        )
        .limit(1)
        .executeTakeFirst();
      return roleChange !== undefined;
    },
    async displayNameOf(accountId: string): Promise<string | undefined> {
      return (await db.selectFrom("identity_account").select("display_name").where("id", "=", accountId).executeTakeFirst())?.display_name;
    },
    /** Active staff accounts with whether each has a confirmed second factor, and its sign-in dates. */
    async activeStaff(): Promise<Array<{ id: string; roles: string[]; email: string; displayName: string; createdAt: Date; lastSignInAt: Date | null; hasSecondFactor: boolean }>> {
      const rows = await db
        .selectFrom("identity_account as a")
        .leftJoin("identity_totp as t", "t.account_id", "a.id")
        .select(["a.id", "a.roles", "a.email", "a.display_name", "a.created_at", "a.last_sign_in_at", "t.confirmed_at"])
        .where("a.kind", "=", "staff")
        .where("a.status", "=", "active")
        .execute();
      return rows.map((row) => ({ id: row.id, roles: row.roles, email: row.email, displayName: row.display_name, createdAt: row.created_at, lastSignInAt: row.last_sign_in_at, hasSecondFactor: row.confirmed_at !== null }));
    },
    /**
     * Unused one-time links (set-up and invitations) whose expiry has passed without anyone withdrawing them, the
     * number still valid, and the number withdrawn (or voided after wrong codes) before use.
     */
    async outstandingLinks(now: Date): Promise<{ expiredUnused: number; valid: number; withdrawn: number; oldestExpiredAt: Date | undefined }> {
      const rows = await db.selectFrom("identity_invitation").select(["expires_at", "withdrawn_at"]).where("used_at", "is", null).execute();
      const open = rows.filter((row) => row.withdrawn_at === null);
      const expired = open.filter((row) => row.expires_at.getTime() <= now.getTime()).map((row) => row.expires_at.getTime());
      return { expiredUnused: expired.length, valid: open.length - expired.length, withdrawn: rows.length - open.length, oldestExpiredAt: expired.length ? new Date(Math.min(...expired)) : undefined };
    },
    async lastCheckpoint(): Promise<{ seq: number; signedAt: Date } | undefined> {
      const row = await db.selectFrom("audit_checkpoint").select(["seq", "signed_at"]).orderBy("seq", "desc").limit(1).executeTakeFirst();
      return row && { seq: row.seq, signedAt: row.signed_at };
    },
    /** When the first entry after `seq` was recorded: how long entries have waited for a checkpoint. */
    async firstEntryAfter(seq: number): Promise<Date | undefined> {
      return (await db.selectFrom("audit_entry").select("recorded_at").where("seq", ">", seq).orderBy("seq").limit(1).executeTakeFirst())?.recorded_at;
    },
    async chainHeadSeq(): Promise<number> {
      return (await db.selectFrom("audit_chain_head").select("seq").where("id", "=", 1).executeTakeFirst())?.seq ?? 0;
    },
    async exportCursors(): Promise<Array<{ sink: string; seq: number; updatedAt: Date }>> {
      return (await db.selectFrom("audit_export_cursor").selectAll().execute()).map((row) => ({ sink: row.sink, seq: row.seq, updatedAt: row.updated_at }));
    },
    /** The newest audit entry of an action and outcome (e.g. the last passed restore drill): its date only. */
    async lastAuditOf(action: string, outcome: string): Promise<Date | undefined> {
      const row = await db
        .selectFrom("audit_entry")
        .select("recorded_at")
        .where(sql<boolean>`entry->>'action' = ${action} and entry->>'outcome' = ${outcome}`)
        .orderBy("seq", "desc")
        .limit(1)
        .executeTakeFirst();
      return row?.recorded_at;
    },
    /** How many audit entries of an action were recorded since a date (any outcome). */
    async auditCountSince(action: string, since: Date): Promise<number> {
      const row = await db
        .selectFrom("audit_entry")
        .select(db.fn.countAll<string>().as("n"))
        .where(sql<boolean>`entry->>'action' = ${action}`)
        .where("recorded_at", ">=", since)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /** The last audit seq the intrusion detection engine has evaluated (its cursor row, migration 0017). */
    async idsCursorSeq(): Promise<number | undefined> {
      const row = await db.selectFrom("ids_cursor").select("seq").where("name", "=", "engine").executeTakeFirst();
      return row === undefined ? undefined : Number(row.seq);
    },
    /** Intrusion detection alerts not closed: their severity, state and when they were opened. */
    async liveIdsAlerts(): Promise<Array<{ severity: string; state: string; openedAt: Date }>> {
      const rows = await db.selectFrom("ids_alert").select(["severity", "state", "opened_at"]).where("state", "<>", "closed").execute();
      return rows.map((row) => ({ severity: row.severity, state: row.state, openedAt: new Date(row.opened_at) }));
    },
    async activeKekCreatedAt(): Promise<Date | undefined> {
      return (await db.selectFrom("crypto_kek").select("created_at").where("retired_at", "is", null).orderBy("created_at", "desc").limit(1).executeTakeFirst())?.created_at;
    },
    /** Sign-in counters locked at `now`, per scope (account subjects and client addresses). */
    async lockedThrottles(now: Date): Promise<{ accounts: number; addresses: number }> {
      const rows = await db.selectFrom("identity_sign_in_throttle").select(["scope", "subject"]).where("locked_until", ">", now).execute();
      // An account locked from several addresses, or also everywhere, counts once: the subject begins with the account's hash.
      const accounts = new Set(rows.filter((row) => row.scope !== "ip").map((row) => row.subject.split("|")[0]));
      return { accounts: accounts.size, addresses: rows.filter((row) => row.scope === "ip").length };
    },
    /** Per account: confirmed TOTP, passkeys and unused recovery codes (counts only). */
    async factorCounts(): Promise<Map<string, { totp: boolean; passkeys: number; recoveryCodesLeft: number }>> {
      const totp = await db.selectFrom("identity_totp").select("account_id").where("confirmed_at", "is not", null).execute();
      const passkeys = await db.selectFrom("identity_webauthn_credential").select(["account_id", db.fn.countAll<string>().as("n")]).groupBy("account_id").execute();
      const codes = await db.selectFrom("identity_recovery_code").select(["account_id", db.fn.countAll<string>().as("n")]).where("used_at", "is", null).groupBy("account_id").execute();
      const counts = new Map<string, { totp: boolean; passkeys: number; recoveryCodesLeft: number }>();
      const of = (id: string) => {
        const existing = counts.get(id) ?? { totp: false, passkeys: 0, recoveryCodesLeft: 0 };
        counts.set(id, existing);
        return existing;
      };
      for (const row of totp) of(row.account_id).totp = true;
      for (const row of passkeys) of(row.account_id).passkeys = Number(row.n);
      for (const row of codes) of(row.account_id).recoveryCodesLeft = Number(row.n);
      return counts;
    },
    /** Every incident with its kind, detection time and when its `report` notes were written (oldest first). */
    async incidentReports(): Promise<Array<{ id: string; kind: IncidentKind; detectedAt: Date; reportsAt: Date[] }>> {
      const incidents = await db.selectFrom("incident").select(["id", "kind", "detected_at"]).execute();
      const reports = await db.selectFrom("incident_note").select(["incident_id", "at"]).where("kind", "=", "report").orderBy("at").execute();
      return incidents.map((row) => ({
        id: row.id,
        kind: row.kind,
        detectedAt: new Date(row.detected_at),
        reportsAt: reports.filter((report) => report.incident_id === row.id).map((report) => new Date(report.at)),
      }));
    },
  };
}

export type ComplianceStore = ReturnType<typeof createComplianceStore>;
