import { actorOf } from "./actor.js";
import type { AccessHistoryItem } from "../../shared/api/patient-portal.js";
import type { Database } from "../db/index.js";
import { AppError, type Principal } from "../kernel/index.js";
import type { RecordedAuditEntry } from "./entry.js";
import { createAuditQueryStore } from "./query-store.js";
import type { AuditWriter } from "./writer.js";

export interface PatientHistoryDeps {
  db: Database;
  audit: Pick<AuditWriter, "record">;
  /** Asks the access policy whether the principal may read this record's access history. */
  mayReadHistory: (principal: Principal, patientId: string) => { allowed: boolean; reasonCode: string };
  /** A staff member's display name, asked only when names are shown. */
  staffNameOf: (accountId: string) => Promise<string | undefined>;
  organisationName: string;
  showStaffNames: boolean;
}

const pageSize = 50;

/**
 * "Who viewed or changed my record" for the patient (PHR guideline; MHLW access log made visible to the data
 * subject): accesses to the patient's own record, newest first, told as organisation, role, time and purpose.
 * The patient's own views are included and marked as such; the reading is itself audited.
 */
export function createPatientHistory(deps: PatientHistoryDeps) {
  const { db, audit } = deps;

  async function toItem(entry: RecordedAuditEntry, patientAccountId: string): Promise<AccessHistoryItem> {
    const isSelf = entry.actor.accountId === patientAccountId;
    const roles = entry.actor.roles ?? [];
    const staffName = deps.showStaffNames && !isSelf && entry.actor.accountId ? await deps.staffNameOf(entry.actor.accountId) : undefined;
    return {
      seq: entry.seq,
      at: entry.at,
      kind: kindOf(entry),
      action: actionOf(entry),
      organisation: deps.organisationName,
      role: roles[0] ?? "unknown",
      purpose: isSelf ? "self" : entry.breakGlass ? "emergency" : roles.includes("doctor") ? "treatment" : "other",
      ...(staffName ? { staffName } : {}),
    };
  }

  /** Whose history the principal asks for (its own record, by its patient link) and whether the policy allows it. */
  function historyDecision(principal: Principal) {
    const patientId = principal.patientId;
    const decision = patientId ? deps.mayReadHistory(principal, patientId) : { allowed: false, reasonCode: "access.no_patient_link" };
    return { patientId, decision };
  }

  return {
    /**
     * One page of accesses to the principal's own record. Only `fhir.*` actions count: reviews of the audit trail
     * by the security officer are not accesses to the record.
     * @throws {AppError} `access.denied` for anyone but the record's own patient account.
     */
    async forOwnRecord(principal: Principal, before?: number): Promise<{ items: AccessHistoryItem[]; nextCursor?: number }> {
      const { patientId, decision } = historyDecision(principal);
      const entry = {
        action: "audit.patient_history",
        reasonCode: decision.reasonCode,
        actor: actorOf(principal),
        resource: { type: "AuditEntry" },
        patientId,
        network: principal.network,
      };
      if (!decision.allowed || !patientId) {
        await audit.record({ ...entry, outcome: "denied" });
        throw new AppError("access.denied", { detail: decision.reasonCode });
      }
      if (before !== undefined && (!Number.isSafeInteger(before) || before < 1)) throw new AppError("audit.invalid_filter", { expression: ["before"] });
      const rows = await createAuditQueryStore(db.kysely).newestFirst({ patientId, action: { prefix: "fhir." }, before }, pageSize + 1);
      const page = rows.slice(0, pageSize);
      const items = await Promise.all(page.map((row) => toItem(row, principal.accountId)));
      await audit.record({ ...entry, outcome: "success" });
      return rows.length > pageSize ? { items, nextCursor: page.at(-1)!.seq } : { items };
    },

    /**
     * One access from the principal's own history, by its entry number, as the history shows it: the same
     * authorization and the same filter (this patient, `fhir.*` actions), so no other entry is ever answered.
     * @throws {AppError} `access.denied`; `audit.entry_not_found` for an entry not in this patient's history.
     */
    async ownEntry(principal: Principal, seq: number): Promise<AccessHistoryItem> {
      const { patientId, decision } = historyDecision(principal);
      if (!decision.allowed || !patientId) throw new AppError("access.denied", { detail: decision.reasonCode });
      if (!Number.isSafeInteger(seq) || seq < 1) throw new AppError("audit.entry_not_found");
      const [row] = await createAuditQueryStore(db.kysely).newestFirst({ patientId, action: { prefix: "fhir." }, before: seq + 1 }, 1);
      if (row?.seq !== seq) throw new AppError("audit.entry_not_found");
      return toItem(row, principal.accountId);
    },
  };
}

export type PatientHistory = ReturnType<typeof createPatientHistory>;

/** Actions that change the record; every other access (read, version read, history, search, $everything, export) only looks. */
const changingActions = new Set(["fhir.update", "fhir.delete", "fhir.shred"]);

/** What the patient is told happened: a search or a history read is a view, never a change of their record. */
function kindOf(entry: RecordedAuditEntry): AccessHistoryItem["kind"] {
  if (entry.outcome === "denied") return "refused";
  if (entry.action === "fhir.create") return "created";
  return changingActions.has(entry.action) ? "changed" : "viewed";
}

const namedActions = new Set<AccessHistoryItem["action"]>(["read", "vread", "search", "history", "everything", "create", "update", "delete", "shred"]);

/** The FHIR interaction behind an entry (`fhir.search` → `search`), `other` for any not named to patients. */
function actionOf(entry: RecordedAuditEntry): AccessHistoryItem["action"] {
  const name = entry.action.slice("fhir.".length) as AccessHistoryItem["action"];
  return namedActions.has(name) ? name : "other";
}
