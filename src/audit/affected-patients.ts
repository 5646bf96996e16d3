import type { Database } from "../db/index.js";
import { createAuditQueryStore } from "./query-store.js";

/**
 * Which patients' records one account touched in a time window, from the audit trail: the basis of an incident's
 * impact count (個人情報保護法施行規則 §8: 本人の数). The caller authorizes and audits; ids only, no content.
 */
export function createAffectedPatients(deps: { db: Database }) {
  return {
    /** Patient ids of successful accesses by `accountId` in [from, to), sorted. */
    patientsAccessedBy: (accountId: string, window: { from: Date; to: Date }): Promise<string[]> =>
      createAuditQueryStore(deps.db.kysely).patientIdsAccessedBy(accountId, window.from, window.to),
  };
}

export type AffectedPatients = ReturnType<typeof createAffectedPatients>;
