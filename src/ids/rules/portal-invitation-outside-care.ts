import type { RecordedAuditEntry } from "../../audit/index.js";
import type { Finding, Rule, RuleContext } from "../types.js";
import { timeOf } from "./entry-kinds.js";

const inviteAction = "identity.invite_patient";
const dayMs = 86_400_000;
// Updates of the Patient looked at per invitation: far more than anyone edits one record in a day.
const updatesLooked = 50;

type Invitation = RecordedAuditEntry & { patientId: string; actor: { accountId: string } };

function isInvitation(entry: RecordedAuditEntry): entry is Invitation {
  return entry.action === inviteAction && entry.patientId !== undefined && entry.actor.accountId !== undefined;
}

/** The inviter's own update of the invited Patient record within the day before the invitation, if any. */
async function ownRecentUpdate(invitation: Invitation, context: RuleContext): Promise<RecordedAuditEntry | undefined> {
  const updates = await context.trail.newestFirst(
    {
      accountId: invitation.actor.accountId,
      patientId: invitation.patientId,
      action: { exact: "fhir.update" },
      outcome: "success",
      from: new Date(timeOf(invitation).getTime() - dayMs),
      before: invitation.seq,
    },
    updatesLooked,
  );
  return updates.find((update) => update.resource?.type === "Patient" && update.resource.id === invitation.patientId);
}

/**
 * A patient portal account reads the whole record, so its invitation is a grant of access (AUTH-6, ACC-1). Two
 * patterns show someone trying to take a patient's portal account: a clinician refused an invitation for lack of a
 * care relationship, and an invitation by an account that changed the same Patient record (where the e-mail address
 * the link goes to lives) within the 24 hours before. The alert names the account; its evidence names the patient.
 */
export function portalInvitationOutsideCare(): Rule {
  return {
    id: "portal_invitation_outside_care",
    severity: "high",
    description: {
      ja: "診療関係のない患者をポータルに招待しようとしたか、患者の記録（メールアドレス）を変更した直後に同じ患者を招待しました。",
      en: "A patient was invited to the portal by someone outside their care, or right after the same account changed that patient's record (e-mail address).",
    },
    retainMs: 0,
    async evaluate(entries, context) {
      const findings: Finding[] = [];
      for (const entry of entries.filter(isInvitation)) {
        const finding = { accountId: entry.actor.accountId, ip: entry.network.ip, patientId: entry.patientId };
        if (entry.outcome === "denied" && entry.reasonCode === "access.no_care_relationship") {
          findings.push({ ...finding, evidence: [entry.seq] });
        } else if (entry.outcome === "success") {
          const update = await ownRecentUpdate(entry, context);
          if (update) findings.push({ ...finding, evidence: [update.seq, entry.seq] });
        }
      }
      return findings;
    },
  };
}
