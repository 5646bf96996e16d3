import { grantAction, type RecordedAuditEntry } from "../../audit/index.js";
import type { Finding, Rule } from "../types.js";
import { timeOf } from "./entry-kinds.js";

/** Roles whose word establishes need-to-know (records-labels.cedar: their relationships open V records). */
const clinicalRoles = new Set(["doctor", "nurse"]);
/** Reception opens visits for a department and an attending doctor: its grants are the ordinary workflow. */
const receptionRole = "clerk";
/** Refusals that show someone trying to open labelled records. */
const labelRefusals = new Set(["access.restricted_label", "access.very_restricted_label"]);
/** A reception assignment serves the day's visit; a refusal later than this is not traced back to it. */
const windowMs = 24 * 3_600_000;

/**
 * A care relationship given by an account without a clinical role, naming someone else (MHLW 運用編 アクセス制御:
 * need-to-know comes from the care, not from an administrative write). A clerk opening an Encounter for a
 * department and an attending doctor is the reception workflow and happens all day, so it alone is not reported;
 * it is when the doctor so named then tries to open that patient's labelled records within a day (refused, as a
 * clerk's relationship does not open V records) that the assignment looks like a way in, and the clerk is
 * reported with both entries as evidence. Any other account without a clinical role (a pharmacist, an account
 * given a new role) has no reception duty, so each of its grants is reported at once. The grant entries name the
 * patient and the grantee; the alert names the granting account.
 */
export function careRelationByNonClinician(): Rule {
  const rule: Rule = {
    id: "care_relation_by_non_clinician",
    severity: "medium",
    description: {
      ja: "臨床職でないアカウントが他の職員に診療関係を付与しました（受付の割当て直後の機微情報へのアクセス試行を含む）。",
      en: "An account without a clinical role gave someone else a care relationship (including a reception assignment followed by an attempt to open labelled records).",
    },
    retainMs: windowMs,
    async evaluate(entries, context) {
      const findings: Finding[] = [];
      for (const entry of entries) {
        const granter = entry.actor.accountId;
        if (isNonClinicalGrant(entry) && granter) {
          const grantee = entry.grant!.grantee.accountId;
          if (grantee === granter) continue;
          if (!(entry.actor.roles ?? []).includes(receptionRole)) {
            findings.push({ accountId: granter, ip: entry.network.ip, evidence: [entry.seq] });
          } else if (grantee && entry.patientId) {
            await context.windows.record(rule.id, [{ subject: grantee, key: `${entry.patientId} ${granter}`, at: timeOf(entry), seq: entry.seq }]);
          }
          continue;
        }
        if (entry.outcome !== "denied" || !entry.action.startsWith("fhir.") || !labelRefusals.has(entry.reasonCode ?? "") || !entry.patientId || !entry.actor.accountId) continue;
        const assignments = await context.windows.since(rule.id, entry.actor.accountId, new Date(timeOf(entry).getTime() - windowMs));
        for (const assignment of assignments) {
          const [patientId, clerk] = assignment.key.split(" ");
          if (patientId === entry.patientId && clerk) findings.push({ accountId: clerk, evidence: [assignment.seq, entry.seq] });
        }
      }
      return merged(findings);
    },
  };
  return rule;
}

/** A care team or encounter relationship granted to a Practitioner by an account holding no clinical role. */
function isNonClinicalGrant(entry: RecordedAuditEntry): boolean {
  const grant = entry.grant;
  if (entry.action !== grantAction || entry.outcome !== "success" || !grant || grant.change !== "granted") return false;
  if (grant.kind !== "encounter" && grant.kind !== "care_team") return false;
  return !(entry.actor.roles ?? []).some((role) => clinicalRoles.has(role));
}

/** One finding per account, its evidence in seq order. */
function merged(findings: readonly Finding[]): Finding[] {
  const byAccount = new Map<string, Finding>();
  for (const finding of findings) {
    const key = finding.accountId ?? "";
    const known = byAccount.get(key);
    byAccount.set(key, known ? { ...known, ip: known.ip ?? finding.ip, evidence: [...new Set([...known.evidence, ...finding.evidence])].sort((a, b) => a - b) } : finding);
  }
  return [...byAccount.values()];
}
