import { actorOf, grantAction, type Audit, type AuditEntry } from "../audit/index.js";
import type { Keyring } from "../crypto/index.js";
import type { Database } from "../db/index.js";
import { AppError, newId, type Clock, type Principal } from "../kernel/index.js";
import { createAccessStore, type RelationshipSource, type ReviewOutcome, type StoredBreakGlassRow } from "./access-store.js";
import { createBreakGlassText } from "./break-glass-text.js";
import type { AccessAction, AccessTarget, Decision, DecisionContext } from "./decide.js";
import { isRefusedByConsent, recordActionsOf, type RecordActionQuestion } from "./record-actions.js";
import type { RecordAction, RecordAuthorizer } from "./records-authorizer.js";

export interface BreakGlassGrant {
  id: string;
  patientId: string;
  reason: string;
  grantedAt: Date;
  expiresAt: Date;
}

/** A grant as the review queue shows it, reason and note decrypted. */
export type BreakGlassRow = Omit<StoredBreakGlassRow, "reason" | "note" | "sealed"> & { reason: string; note: string | undefined };

export interface AccessManagementDeps {
  db: Database;
  audit: Audit;
  /** Seals the free text of grants and reviews (break-glass-text.ts). */
  keyring: Keyring;
  clock: Clock;
  /** The Cedar decision point (`break_glass`, `review_break_glass`, `link_practitioner`). */
  decide: (principal: Principal, action: AccessAction, target: AccessTarget, context?: DecisionContext) => Decision;
  /** Lifetime of a break-glass grant (MAMORI_BREAK_GLASS_MINUTES). */
  breakGlassMs: number;
  /** Whether a Patient record exists (records module); a grant for an unknown patient is refused. */
  patientExists: (patientId: string) => Promise<boolean>;
  /** The record decision point for one request, which the care standing previews. */
  recordAuthorizer: (principal: Principal) => RecordAuthorizer;
}

/** Longest list a page of the review queue or "my patients" returns. */
const listLimit = 500;
/** Grants sealed per query when start-up seals texts written before they were encrypted. */
const sealBatch = 100;

/**
 * Emergency access (break-glass) and its review, staff ↔ Practitioner links, and the clinician's own care
 * relationships. Every call is authorized by Cedar and audited (`access.*`); the grant itself is audited as
 * `access.break_glass` with the break-glass flag, which the intrusion detection rule `break_glass` turns into an
 * alert for the security officer.
 */
export function createAccessManagement(deps: AccessManagementDeps) {
  const store = () => createAccessStore(deps.db.kysely);
  const text = createBreakGlassText(deps.keyring);

  async function opened(row: StoredBreakGlassRow): Promise<BreakGlassRow> {
    const { sealed, ...rest } = row;
    return {
      ...rest,
      reason: await text.open(row.id, "reason", row.reason, sealed),
      note: row.note === undefined ? undefined : await text.open(row.id, "note", row.note, sealed),
    };
  }

  /** Decides and audits a refusal; returns the success entry for the caller to append (with its change). */
  async function authorize(
    principal: Principal,
    action: AccessAction,
    target: AccessTarget,
    entry: Pick<AuditEntry, "action" | "resource" | "patientId">,
    context?: DecisionContext,
  ): Promise<{ allowed: AuditEntry; done: (extra?: Partial<AuditEntry>) => Promise<void> }> {
    const decision = deps.decide(principal, action, target, context);
    const base = { ...entry, actor: actorOf(principal), network: principal.network };
    if (!decision.allowed) {
      await deps.audit.record({ ...base, outcome: "denied", reasonCode: decision.reasonCode });
      if (decision.reasonCode === "access.own_practitioner_link") throw new AppError("access.own_practitioner_link");
      throw new AppError("access.denied", { detail: decision.reasonCode });
    }
    const allowed: AuditEntry = { ...base, outcome: "success", reasonCode: decision.reasonCode };
    return {
      allowed,
      done: async (extra = {}) => {
        await deps.audit.record({ ...allowed, ...extra });
      },
    };
  }

  return {
    /**
     * Grants the clinician emergency access to one patient for MAMORI_BREAK_GLASS_MINUTES.
     * @throws {AppError} `access.denied` (not a care-giving role), `access.break_glass_reason` (reason not 10–500
     * characters), `fhir.not_found` (no such Patient).
     */
    async grant(principal: Principal, input: { patientId: string; reason: string }): Promise<BreakGlassGrant> {
      const id = newId();
      const { allowed } = await authorize(principal, "break_glass", { type: "Patient", id: input.patientId }, { action: "access.break_glass", resource: { type: "BreakGlass", id }, patientId: input.patientId });
      const reason = input.reason.trim();
      if ([...reason].length < 10 || [...reason].length > 500) throw new AppError("access.break_glass_reason");
      if (!(await deps.patientExists(input.patientId))) throw new AppError("fhir.not_found");
      const grantedAt = deps.clock.now();
      const grant = { id, patientId: input.patientId, reason, grantedAt, expiresAt: new Date(grantedAt.getTime() + deps.breakGlassMs) };
      const sealedReason = await text.seal(id, "reason", reason);
      // The grant, its entry and the grant entry commit together: no emergency access the trail does not show.
      await deps.db.kysely.transaction().execute(async (trx) => {
        await createAccessStore(trx).insertBreakGlass({ ...grant, reason: sealedReason, accountId: principal.accountId });
        await deps.audit.recordWithin(trx, { ...allowed, breakGlass: true });
        await deps.audit.recordWithin(trx, { ...allowed, action: grantAction, grant: { kind: "break_glass", change: "granted", grantee: { accountId: principal.accountId } } });
      });
      return grant;
    },

    /** The caller's grants in force now. */
    async mine(principal: Principal): Promise<BreakGlassGrant[]> {
      const rows = await store().breakGlassGrants({ accountId: principal.accountId, activeAt: deps.clock.now() }, listLimit);
      return Promise.all(rows.map(async (row) => ({ id: row.id, patientId: row.patientId, reason: (await opened(row)).reason, grantedAt: row.grantedAt, expiresAt: row.expiresAt })));
    },

    /** The security officer's review queue, newest first. @throws {AppError} `access.denied`. */
    async reviews(principal: Principal, status: "open" | "closed"): Promise<BreakGlassRow[]> {
      const { done } = await authorize(principal, "review_break_glass", { type: "System" }, { action: "access.break_glass_reviews_read", resource: { type: "BreakGlass" } });
      const rows = await Promise.all((await store().breakGlassGrants({ status }, listLimit)).map(opened));
      await done();
      return rows;
    },

    /**
     * Closes the review of one grant with its outcome and the officer's note; audited.
     * @throws {AppError} `access.denied`, `access.review_not_found` (no such open review).
     */
    async closeReview(principal: Principal, id: string, input: { outcome: ReviewOutcome; note: string }): Promise<void> {
      const [grant] = await store().breakGlassGrants({ id }, 1);
      const { done } = await authorize(principal, "review_break_glass", { type: "System" }, { action: "access.break_glass_review", resource: { type: "BreakGlass", id }, patientId: grant?.patientId });
      if (!grant) throw new AppError("access.review_not_found");
      const closed = await store().closeReview(id, { outcome: input.outcome, note: await text.seal(id, "note", input.note), by: principal.accountId, at: deps.clock.now() });
      if (!closed) throw new AppError("access.review_not_found");
      await done({ reasonCode: `access.review_${input.outcome}` });
    },

    /**
     * Encrypts the reasons and notes of grants written before they were encrypted (migration 0023); run at start,
     * so a dump holds them in clear no longer than until the first start after the upgrade. Returns how many.
     * @throws {Error} when the database refuses the change.
     */
    async sealClearTexts(): Promise<number> {
      let count = 0;
      for (;;) {
        const rows = await store().breakGlassGrants({ sealed: false }, sealBatch);
        for (const row of rows) {
          const clear = await opened(row);
          const reason = await text.seal(row.id, "reason", clear.reason);
          const note = clear.note === undefined ? undefined : await text.seal(row.id, "note", clear.note);
          if (await store().sealBreakGlass(row.id, { reason, note })) count += 1;
        }
        if (rows.length < sealBatch) return count;
      }
    },

    /** The patients the caller is related to, and how (care team, encounter, department, registration). */
    async myPatients(principal: Principal): Promise<Array<{ patientId: string; sources: RelationshipSource[] }>> {
      const link = await store().staffLink(principal.accountId);
      return store().relatedPatients(principal.accountId, link, listLimit);
    },

    /**
     * How the caller stands with one patient: its care relationships, the expiry of its emergency grant in force,
     * whether the patient's consent refuses it, and what it may do with the records `question` names. The chart asks
     * this because searches leave out what the caller may not see, so an empty answer alone cannot tell "nothing
     * recorded" from "not in this patient's care" or "refused by the patient", and so it offers only the forms the
     * server would accept. Reveals nothing of the record itself.
     * @throws {Error} when the database cannot be read.
     */
    async careStanding<Type extends string, Action extends RecordAction>(
      principal: Principal,
      patientId: string,
      question: RecordActionQuestion<Type, Action>,
    ): Promise<{ sources: RelationshipSource[]; breakGlassExpiresAt: Date | undefined; isConsentRefused: boolean; recordActions: Record<Type, Action[]> }> {
      const link = await store().staffLink(principal.accountId);
      const authorizer = deps.recordAuthorizer(principal);
      const [sources, grants, isConsentRefused, recordActions] = await Promise.all([
        store().relationshipSources(patientId, principal.accountId, link),
        store().breakGlassGrants({ accountId: principal.accountId, activeAt: deps.clock.now() }, listLimit),
        isRefusedByConsent(authorizer, patientId),
        recordActionsOf(authorizer, patientId, question),
      ]);
      const expiries = grants.filter((grant) => grant.patientId === patientId).map((grant) => grant.expiresAt.getTime());
      return { sources, breakGlassExpiresAt: expiries.length > 0 ? new Date(Math.max(...expiries)) : undefined, isConsentRefused, recordActions };
    },

    /**
     * Links a staff account to the Practitioner it acts as and its department Organization, which gives it the
     * Practitioner's care relationships: never one's own account (Cedar), never a Practitioner another active account
     * already acts as. The link and its `access.grant` entries commit together.
     * @throws {AppError} `access.own_practitioner_link`, `access.denied`, `identity.account_not_found` (no such staff
     * account), `access.practitioner_linked_elsewhere`.
     */
    async linkPractitioner(principal: Principal, accountId: string, input: { practitionerId: string; departmentId?: string | undefined }): Promise<void> {
      const { allowed } = await authorize(
        principal,
        "link_practitioner",
        { type: "System" },
        { action: "access.practitioner_link", resource: { type: "Account", id: accountId } },
        { isOwnAccount: principal.accountId === accountId },
      );
      if ((await store().accountKind(accountId)) !== "staff") throw new AppError("identity.account_not_found");
      await deps.db.kysely.transaction().execute(async (trx) => {
        const links = createAccessStore(trx);
        await links.lockStaffLinks();
        if ((await links.activeAccountsLinkedTo(input.practitionerId, accountId)).length > 0) throw new AppError("access.practitioner_linked_elsewhere");
        const previous = await links.staffLink(accountId);
        await links.putStaffLink(accountId, { practitionerId: input.practitionerId, departmentId: input.departmentId }, principal.accountId, deps.clock.now());
        await deps.audit.recordWithin(trx, allowed);
        const grantEntry = (change: "granted" | "revoked", link: { practitionerId: string; departmentId?: string | undefined }): AuditEntry => ({
          ...allowed,
          action: grantAction,
          grant: { kind: "practitioner_link", change, grantee: { accountId, practitionerId: link.practitionerId, organizationId: link.departmentId } },
        });
        const isSame = previous?.practitionerId === input.practitionerId && previous.departmentId === input.departmentId;
        if (previous && !isSame) await deps.audit.recordWithin(trx, grantEntry("revoked", previous));
        if (!isSame) await deps.audit.recordWithin(trx, grantEntry("granted", input));
      });
    },
  };
}

export type AccessManagement = ReturnType<typeof createAccessManagement>;
