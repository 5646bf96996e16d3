import type { Role, StaffRole } from "../../shared/api/session.js";
import { actorOf, grantAction, type Audit } from "../audit/index.js";
import type { Database } from "../db/index.js";
import { AppError, newId, newSecretToken, type Clock, type Principal, type RequestOrigin } from "../kernel/index.js";
import type { Passwords } from "./passwords.js";
import { invitationCodeAttempts, isInvitationCode } from "./invitation-code.js";
import { createIdentityStore, type InvitationRow, type PendingInvitationRow } from "./store.js";
import { hashToken } from "./token-hash.js";

export interface InvitationDeps {
  db: Database;
  audit: Audit;
  clock: Clock;
  passwords: Passwords;
  invitationMs: number;
  setupLinkMs: number;
  /** Asks the access policy whether the principal may invite users. */
  mayInvite: (principal: Principal) => { allowed: boolean; reasonCode: string };
  /** Asks the access policy whether an invitation to this role may be accepted from this address (NET-1). */
  mayAcceptInvitation: (role: Role, origin: RequestOrigin) => { allowed: boolean; reasonCode: string };
  /** Asks the access policy whether the principal may list or revoke pending invitations. */
  mayManageInvitations: (principal: Principal, action: InvitationAdminAction) => { allowed: boolean; reasonCode: string };
}

export type InvitationAdminAction = "read_invitations" | "revoke_invitation";

/** Longest list of pending invitations returned. */
const pendingLimit = 500;

export interface IssuedInvitation {
  token: string;
  expiresAt: Date;
}

/** Invitations: the only way an account comes to exist (no default accounts, no self-registration of staff). */
export function createInvitations(deps: InvitationDeps) {
  const { db, audit, clock } = deps;
  const store = () => createIdentityStore(db.kysely);

  /** A staff invitation or setup link (patient invitations are patient-invitations.ts's). */
  async function issue(role: Role, email: string | null, invitedBy: Principal | null, ttlMs: number): Promise<IssuedInvitation> {
    const token = newSecretToken();
    const id = newId();
    const expiresAt = new Date(clock.now().getTime() + ttlMs);
    await db.kysely.transaction().execute(async (trx) => {
      await createIdentityStore(trx).insertInvitation({ id, tokenHash: hashToken(token), email, role, expiresAt, usedAt: null, invitedBy: invitedBy?.accountId ?? null, patientId: null }, clock.now());
      // A staff invitation brings a role into being: audited as a grant of that role, to whoever accepts it.
      if (invitedBy) {
        await audit.recordWithin(trx, {
          action: grantAction,
          outcome: "success",
          actor: actorOf(invitedBy),
          resource: { type: "Invitation", id },
          network: invitedBy.network,
          grant: { kind: "role", change: "granted", grantee: { invitationId: id }, roles: [role] },
        });
      }
    });
    return { token, expiresAt };
  }

  /** Audits the decision; throws on a denial. */
  async function decide(principal: Principal, decision: { allowed: boolean; reasonCode: string }, action: string, patientId?: string): Promise<void> {
    const entry = {
      action,
      actor: actorOf(principal),
      resource: { type: "Invitation" },
      patientId,
      network: principal.network,
      reasonCode: decision.reasonCode,
    };
    if (!decision.allowed) {
      await audit.record({ ...entry, outcome: "denied" });
      throw new AppError("access.denied", { detail: decision.reasonCode });
    }
    await audit.record({ ...entry, outcome: "success" });
  }

  /** Authorizes a management action on invitations; the denial is audited here, the outcome by the caller. */
  async function authorizeManagement(principal: Principal, action: InvitationAdminAction, entry: { action: string; resource: { type: "Invitation"; id?: string } }) {
    const decision = deps.mayManageInvitations(principal, action);
    const base = { ...entry, actor: actorOf(principal), network: principal.network, reasonCode: decision.reasonCode };
    if (!decision.allowed) {
      await audit.record({ ...base, outcome: "denied" });
      throw new AppError("access.denied", { detail: decision.reasonCode });
    }
    return () => audit.record({ ...base, outcome: "success" });
  }

  async function openInvitation(token: string) {
    const invitation = await store().invitationByTokenHash(hashToken(token));
    if (!invitation || invitation.usedAt || invitation.expiresAt <= clock.now()) throw new AppError("identity.invitation_invalid");
    return invitation;
  }

  /**
   * Checks a patient invitation's one-time code. A wrong or missing-looking code is refused; a wrong one is counted
   * and audited, and the one that reaches `invitationCodeAttempts` voids the invitation (audited as a revoked grant)
   * in the same transaction.
   * @throws {AppError} `identity.invitation_code_required`, `identity.invitation_code_invalid`, `identity.invitation_invalid`.
   */
  async function checkCode(invitation: InvitationRow, codeHash: Buffer, code: string | undefined, origin: RequestOrigin): Promise<void> {
    if (!code) throw new AppError("identity.invitation_code_required", { expression: ["code"] });
    if (isInvitationCode(code, codeHash)) return;
    const now = clock.now();
    const failures = await db.kysely.transaction().execute(async (trx) => {
      const counted = await createIdentityStore(trx).countWrongCode(invitation.id, invitationCodeAttempts, now);
      if (counted === undefined) return undefined;
      const isVoid = counted >= invitationCodeAttempts;
      const base = { actor: { roles: [invitation.role] }, resource: { type: "Invitation", id: invitation.id }, patientId: invitation.patientId ?? undefined, network: origin };
      await audit.recordWithin(trx, { ...base, action: "identity.accept_invitation", outcome: "denied", reasonCode: isVoid ? "identity.invitation_code_void" : "identity.invitation_code_invalid" });
      if (isVoid && invitation.patientId) {
        await audit.recordWithin(trx, { ...base, action: grantAction, outcome: "success", reasonCode: "identity.invitation_code_void", grant: { kind: "portal_invitation", change: "revoked", grantee: { invitationId: invitation.id } } });
      }
      return counted;
    });
    if (failures === undefined) throw new AppError("identity.invitation_invalid");
    throw new AppError("identity.invitation_code_invalid", { expression: ["code"] });
  }

  return {
    /**
     * While no active administrator exists, issues the single-use link that creates the first one (AUTH-5: no
     * default account or password) and withdraws any earlier setup link, so only the newest printed link works.
     * Returns undefined when an administrator exists.
     */
    async issueSetupLinkIfNeeded(): Promise<IssuedInvitation | undefined> {
      const s = store();
      if ((await s.countActiveWithRole("admin")) > 0) return undefined;
      await s.withdrawOpenSetupInvitations(clock.now());
      return issue("admin", null, null, deps.setupLinkMs);
    },
    /**
     * Invites a person to an account with one role.
     * @throws {AppError} `access.denied` when the principal may not invite.
     */
    async invite(principal: Principal, input: { email: string; role: StaffRole }): Promise<IssuedInvitation> {
      await decide(principal, deps.mayInvite(principal), "identity.invite");
      return issue(input.role, input.email, principal, deps.invitationMs);
    },
    /**
     * Staff invitations not yet used, expired or revoked, soonest to expire first; audited. No token leaves here.
     * @throws {AppError} `access.denied`.
     */
    async pending(principal: Principal): Promise<PendingInvitationRow[]> {
      const done = await authorizeManagement(principal, "read_invitations", { action: "identity.invitations_read", resource: { type: "Invitation" } });
      const rows = await store().pendingStaffInvitations(clock.now(), pendingLimit);
      await done();
      return rows;
    },
    /**
     * Withdraws a pending staff invitation, so its link no longer works; audited.
     * @throws {AppError} `access.denied`; `identity.invitation_invalid` when it was already used, expired or revoked.
     */
    async revoke(principal: Principal, id: string): Promise<void> {
      const done = await authorizeManagement(principal, "revoke_invitation", { action: "identity.invitation_revoke", resource: { type: "Invitation", id } });
      if (!(await store().revokeStaffInvitation(id, clock.now()))) throw new AppError("identity.invitation_invalid");
      await done();
    },
    /** What an invitation offers, for the acceptance page. @throws {AppError} `identity.invitation_invalid`. */
    async lookup(token: string): Promise<{ role: Role; email?: string; expiresAt: Date; codeRequired: boolean }> {
      const invitation = await openInvitation(token);
      return { role: invitation.role, ...(invitation.email ? { email: invitation.email } : {}), expiresAt: invitation.expiresAt, codeRequired: invitation.codeHash !== null };
    },
    /**
     * Creates the invited account with its password; the second factor is enrolled next, before anything else.
     * Account creation and use of the invitation commit together, so a link works exactly once.
     * A patient invitation also needs its one-time code; a wrong one counts, and the fifth voids the invitation.
     * @throws {AppError} `identity.invitation_invalid`, `access.denied` (role's network), `identity.invitation_email_mismatch`,
     * `identity.invitation_code_required`, `identity.invitation_code_invalid`, `identity.email_taken`, password errors.
     */
    async accept(
      input: { token: string; email: string; displayName: string; password: string; code?: string | undefined },
      origin: RequestOrigin,
    ): Promise<{ accountId: string; roles: Role[]; kind: "staff" | "patient" }> {
      const invitation = await openInvitation(input.token);
      const permitted = deps.mayAcceptInvitation(invitation.role, origin);
      if (!permitted.allowed) {
        // An administrator or security officer account comes to exist only from that role's networks.
        await audit.record({ action: "identity.accept_invitation", outcome: "denied", reasonCode: permitted.reasonCode, actor: { roles: [invitation.role] }, resource: { type: "Invitation" }, network: origin });
        throw new AppError("access.denied", { detail: permitted.reasonCode });
      }
      if (invitation.email && invitation.email !== input.email) throw new AppError("identity.invitation_email_mismatch", { expression: ["email"] });
      if (invitation.codeHash) await checkCode(invitation, invitation.codeHash, input.code, origin);
      const passwordHash = await deps.passwords.hash(input.password, { email: input.email, displayName: input.displayName });
      const accountId = newId();
      const roles = [invitation.role];
      const kind = invitation.role === "patient" ? "patient" : "staff";
      await db.kysely.transaction().execute(async (trx) => {
        const s = createIdentityStore(trx);
        if (await s.accountByEmail(input.email)) throw new AppError("identity.email_taken", { expression: ["email"] });
        await s.insertAccount({ id: accountId, email: input.email, displayName: input.displayName, kind, roles, passwordHash, status: "active", patientId: invitation.patientId }, clock.now());
        if (!(await s.claimInvitation(invitation.id, accountId, clock.now()))) throw new AppError("identity.invitation_invalid");
        await audit.recordWithin(trx, {
          action: "identity.accept_invitation",
          outcome: "success",
          actor: { accountId, roles },
          resource: { type: "Account", id: accountId },
          patientId: invitation.patientId ?? undefined,
          network: origin,
        });
        if (!invitation.patientId) {
          // The invited role now belongs to an account: the grant the invitation announced, to whom it went.
          await audit.recordWithin(trx, {
            action: grantAction,
            outcome: "success",
            actor: { accountId, roles },
            resource: { type: "Account", id: accountId },
            network: origin,
            grant: { kind: "role", change: "granted", grantee: { accountId, invitationId: invitation.id }, roles },
          });
        }
        if (invitation.patientId) {
          // The portal account now reads the patient's whole record: a grant in its own right.
          await audit.recordWithin(trx, {
            action: grantAction,
            outcome: "success",
            actor: { accountId, roles },
            resource: { type: "Account", id: accountId },
            patientId: invitation.patientId,
            network: origin,
            grant: { kind: "portal_account", change: "granted", grantee: { accountId } },
          });
        }
      });
      return { accountId, roles, kind };
    },
  };
}

export type Invitations = ReturnType<typeof createInvitations>;
