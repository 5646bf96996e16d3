import { reportingDeadlines } from "../../incidents/index.js";
import { outcome, type ComplianceCheck } from "../check.js";
import { createComplianceStore } from "../store.js";

/**
 * INC-1: incidents are recorded (src/incidents) and their reports to the PPC (個人情報保護委員会) are written in time.
 * An incident's first `report` note on its timeline counts as the 速報, the second as the 確報. A 速報 missing after
 * its 5-day outer limit or a 確報 missing after its legal limit is overdue (not met); a 速報 missing after the 3-day
 * target but within the limit is partial.
 */
export const incidentRecords: ComplianceCheck = {
  id: "incident.records",
  title: { ja: "インシデント記録と報告期限", en: "Incident records and reporting deadlines" },
  async run({ db, clock }) {
    const now = clock.now();
    const incidents = await createComplianceStore(db.kysely).incidentReports();
    const overdue: string[] = [];
    const pastTarget: string[] = [];
    for (const incident of incidents) {
      const [preliminary, final] = reportingDeadlines(incident.kind, incident.detectedAt, now);
      const reported = (count: number) => incident.reportsAt.length >= count;
      if (preliminary && !reported(1) && now > preliminary.latest) overdue.push(`${incident.id} 速報`);
      else if (preliminary && !reported(1) && now > preliminary.due) pastTarget.push(`${incident.id} 速報`);
      if (final && !reported(2) && now > final.latest) overdue.push(`${incident.id} 確報`);
    }
    const evidence = { incidents: incidents.length, withoutReport: incidents.filter((incident) => incident.reportsAt.length === 0).length, overdue, pastTarget };
    if (overdue.length > 0) return outcome("not_met", "a PPC report deadline has passed without a report note", evidence);
    if (pastTarget.length > 0) return outcome("partial", "a preliminary report is past its 3-day target (within the 5-day limit)", evidence);
    return outcome("met", incidents.length === 0 ? "incident records in place; no incident recorded" : "no report deadline overdue", evidence);
  },
};
