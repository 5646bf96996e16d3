import { maskEmailAddress } from "../../shared/api/patient-portal.js";
import { actorOf, grantAction, type Audit, type AuditEntry } from "../audit/index.js";
import type { Database } from "../db/index.js";
import type { OutgoingMail } from "../mail/index.js";
import { AppError, isAppError, newId, newSecretToken, type Clock, type Principal } from "../kernel/index.js";
import { hashInvitationCode, newInvitationCode } from "./invitation-code.js";
import { patientInvitationMail } from "./patient-invitation-mail.js";
import { createIdentityStore } from "./store.js";
import { hashToken } from "./token-hash.js";

export interface PatientInvitationDeps {
  db: Database;
  audit: Audit;
  clock: Clock;
  invitationMs: number;
  /**
   * Asks the access policy whether the principal may invite the patient of this record to the portal; the decision
   * rests on the principal's care relationship with the patient (access tables, not break-glass).
   */
  mayInvitePatient: (principal: Principal, patientId: string) => Promise<{ allowed: boolean; reasonCode: string }>;
  /** True when a Patient record with this id exists (no content is read). */
  patientExists: (patientId: string) => Promise<boolean>;
  /**
   * The e-mail address on the Patient record (telecom, system `email`), read and decrypted through the record path
   * as the principal, so the read is authorized and audited like any other; undefined when the record has none.
   */
  patientEmailOf: (principal: Principal, patientId: string) => Promise<string | undefined>;
  /** Hands the invitation e-mail to SMTP or the pickup folder. @throws {AppError} `mail.unavailable`. */
  sendMail: (mail: OutgoingMail) => Promise<void>;
  /** The acceptance page's one-time link for a token. */
  invitationLink: (token: string) => string;
  organisationName: string;
}

export interface PatientInvitationIssued {
  invitationId: string;
  /** The one-time code for the inviting clinician to hand over in person; shown once, only its hash is kept. */
  code: string;
  /** Where the link went, masked. */
  sentTo: string;
  expiresAt: Date;
}

/**
 * Patient portal invitations. A portal account reads the patient's whole record, so an invitation is a grant of
 * access: only a clinician in the patient's care may issue one (Cedar `invite_patient` with the relationship in the
 * context), the link goes only to the address on the Patient record, and acceptance also needs the one-time code the
 * clinician hands the patient in person. Neither the inviter nor anyone reading the mail alone holds both.
 */
export function createPatientInvitations(deps: PatientInvitationDeps) {
  const { db, audit, clock } = deps;
  const store = () => createIdentityStore(db.kysely);

  /** A grant entry about the portal invitation `invitationId` of `patientId` (see AccessGrant). */
  function invitationGrant(principal: Principal, invitationId: string, patientId: string, change: "granted" | "revoked"): AuditEntry {
    return {
      action: grantAction,
      outcome: "success",
      actor: actorOf(principal),
      resource: { type: "Invitation", id: invitationId },
      patientId,
      network: principal.network,
      grant: { kind: "portal_invitation", change, grantee: { invitationId } },
    };
  }

  /** Issues a permitted invitation; see `invite`. */
  async function issue(principal: Principal, patientId: string, decided: AuditEntry): Promise<PatientInvitationIssued> {
    if (!(await deps.patientExists(patientId))) throw new AppError("fhir.not_found");
    if (await store().accountByPatient(patientId)) throw new AppError("identity.email_taken");
    const email = (await deps.patientEmailOf(principal, patientId))?.trim().toLowerCase();
    if (!email) throw new AppError("identity.patient_no_email");
    if (await store().accountByEmail(email)) throw new AppError("identity.email_taken");

    const invitationId = newId();
    const token = newSecretToken();
    const code = newInvitationCode();
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + deps.invitationMs);
    await audit.transaction(async (trx, batch) => {
      const s = createIdentityStore(trx);
      for (const withdrawn of await s.withdrawOpenPatientInvitations(patientId, now)) batch.add(invitationGrant(principal, withdrawn, patientId, "revoked"));
      await s.insertInvitation(
        { id: invitationId, tokenHash: hashToken(token), codeHash: hashInvitationCode(code), email, role: "patient", expiresAt, usedAt: null, invitedBy: principal.accountId, patientId },
        now,
      );
      batch.add({ ...decided, resource: { type: "Invitation", id: invitationId } });
      batch.add(invitationGrant(principal, invitationId, patientId, "granted"));
      // Last: a refused message rolls the invitation back, so no live invitation exists without its mail.
      await deps.sendMail(patientInvitationMail({ to: email, link: deps.invitationLink(token), expiresAt, organisationName: deps.organisationName }));
    });
    return { invitationId, code, sentTo: maskEmailAddress(email), expiresAt };
  }

  return {
    /**
     * Invites the patient of a record to the portal: withdraws any open invitation for the patient, sends the link
     * to the address on the record, and returns the one-time code (never the link). The new invitation, the
     * withdrawals and their audit entries commit together, after the message was accepted for delivery.
     * @throws {AppError} `access.denied` (detail `access.no_care_relationship` outside the patient's care);
     * `fhir.not_found` when no such Patient exists; `identity.email_taken` when the record or its address already
     * has an account; `identity.patient_no_email` when the record has no e-mail address; `mail.unavailable`.
     */
    async invite(principal: Principal, patientId: string): Promise<PatientInvitationIssued> {
      const decision = await deps.mayInvitePatient(principal, patientId);
      const decided: AuditEntry = {
        action: "identity.invite_patient",
        outcome: decision.allowed ? "success" : "denied",
        reasonCode: decision.reasonCode,
        actor: actorOf(principal),
        resource: { type: "Invitation" },
        patientId,
        network: principal.network,
      };
      if (!decision.allowed) {
        await audit.record(decided);
        throw new AppError("access.denied", { detail: decision.reasonCode });
      }
      try {
        return await issue(principal, patientId, decided);
      } catch (error) {
        // Permitted but not issued (no such record, no address, an account exists, mail refused): on the trail too.
        await audit.record({ ...decided, outcome: "failure", reasonCode: isAppError(error) ? error.code : "http.internal" });
        throw error;
      }
    },
  };
}

export type PatientInvitations = ReturnType<typeof createPatientInvitations>;
