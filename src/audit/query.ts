import { actorOf } from "./actor.js";
import type { Database } from "../db/index.js";
import { AppError, type Principal } from "../kernel/index.js";
import type { AuditEntry, AuditOutcome, RecordedAuditEntry } from "./entry.js";
import { createAuditQueryStore, type StoreFilter } from "./query-store.js";
import type { AuditWriter } from "./writer.js";

/** What a security officer may ask of the trail; every condition is optional and they combine with AND. */
export interface AuditFilter {
  accountId?: string | undefined;
  patientId?: string | undefined;
  /** An exact action (`fhir.read`) or a prefix ending in a dot (`fhir.`; `fhir.*` is read the same way). */
  action?: string | undefined;
  outcome?: AuditOutcome | undefined;
  /** Inclusive lower bound on the time recorded. */
  from?: Date | undefined;
  /** Exclusive upper bound on the time recorded. */
  to?: Date | undefined;
  /** Page size, 1 to 500 (default 100). */
  limit?: number | undefined;
  /** Paging cursor: only entries older than this sequence number (a previous page's `nextCursor`). */
  before?: number | undefined;
}

export interface AuditPage {
  entries: RecordedAuditEntry[];
  /** Present when more entries match: pass it as `before` for the next page. */
  nextCursor?: number;
}

export interface AuditQueryDeps {
  db: Database;
  audit: Pick<AuditWriter, "record">;
  /** Asks the access policy whether the principal may read the audit trail (Cedar action `read_audit`). */
  mayReadAudit: (principal: Principal) => { allowed: boolean; reasonCode: string };
}

export const defaultPageSize = 100;
export const maxPageSize = 500;

/**
 * Reading the audit trail (LOG-4: logs are reviewed; LOG-2: only those allowed may read them). Each call
 * authorizes the principal and is itself audited, denied or not, so reviewing the log leaves a trace too.
 * Entries that record the query carry no patient id: a search about a patient is not an access to their record.
 */
export function createAuditQuery(deps: AuditQueryDeps) {
  const { db, audit } = deps;
  const store = () => createAuditQueryStore(db.kysely);

  /** Records the attempt; returns the entry to complete on success. @throws {AppError} `access.denied`. */
  async function authorize(principal: Principal, action: string, resourceId?: string): Promise<AuditEntry> {
    const decision = deps.mayReadAudit(principal);
    const entry: AuditEntry = {
      action,
      outcome: "success",
      reasonCode: decision.reasonCode,
      actor: actorOf(principal),
      resource: { type: "AuditEntry", ...(resourceId ? { id: resourceId } : {}) },
      network: principal.network,
    };
    if (!decision.allowed) {
      await audit.record({ ...entry, outcome: "denied" });
      throw new AppError("access.denied", { detail: decision.reasonCode });
    }
    return entry;
  }

  return {
    /**
     * One page of matching entries, newest first; answered only after the search is durably audited.
     * @throws {AppError} `access.denied`, `audit.invalid_filter`.
     */
    async search(principal: Principal, filter: AuditFilter): Promise<AuditPage> {
      const entry = await authorize(principal, "audit.search");
      const limit = pageSize(filter.limit);
      const rows = await store().newestFirst(toStoreFilter(filter), limit + 1);
      const entries = rows.slice(0, limit);
      await audit.record(entry);
      return rows.length > limit ? { entries, nextCursor: entries.at(-1)!.seq } : { entries };
    },

    /**
     * Every matching entry, newest first, read page by page as the caller consumes them (CSV export). The export
     * is authorized and audited before the first entry is read. `limit` and `before` are ignored.
     * @throws {AppError} `access.denied`, `audit.invalid_filter`.
     */
    async export(principal: Principal, filter: AuditFilter): Promise<AsyncIterable<RecordedAuditEntry>> {
      const storeFilter = toStoreFilter({ ...filter, before: undefined });
      await audit.record(await authorize(principal, "audit.export"));
      return (async function* () {
        let before: number | undefined;
        for (;;) {
          const rows = await store().newestFirst({ ...storeFilter, before }, maxPageSize);
          yield* rows;
          if (rows.length < maxPageSize) return;
          before = rows.at(-1)!.seq;
        }
      })();
    },

    /** One entry by sequence number. @throws {AppError} `access.denied`, `audit.not_found`. */
    async read(principal: Principal, seq: number): Promise<RecordedAuditEntry> {
      const entry = await authorize(principal, "audit.read", String(seq));
      const found = Number.isSafeInteger(seq) && seq > 0 ? await store().bySeq(seq) : undefined;
      await audit.record(found ? entry : { ...entry, outcome: "failure", reasonCode: "audit.not_found" });
      if (!found) throw new AppError("audit.not_found");
      return found;
    },
  };
}

export type AuditQuery = ReturnType<typeof createAuditQuery>;

function pageSize(limit: number | undefined): number {
  if (limit === undefined) return defaultPageSize;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxPageSize) throw new AppError("audit.invalid_filter", { expression: ["limit"] });
  return limit;
}

/** @throws {AppError} `audit.invalid_filter` naming the offending condition. */
function toStoreFilter(filter: AuditFilter): StoreFilter {
  const invalid = (field: string) => new AppError("audit.invalid_filter", { expression: [field] });
  for (const field of ["from", "to"] as const) {
    const value = filter[field];
    if (value !== undefined && Number.isNaN(value.getTime())) throw invalid(field);
  }
  if (filter.before !== undefined && (!Number.isSafeInteger(filter.before) || filter.before < 1)) throw invalid("before");
  return {
    accountId: filter.accountId,
    patientId: filter.patientId,
    action: filter.action === undefined ? undefined : toActionFilter(filter.action),
    outcome: filter.outcome,
    from: filter.from,
    to: filter.to,
    before: filter.before,
  };
}

function toActionFilter(action: string): StoreFilter["action"] {
  const prefix = action.endsWith(".*") ? action.slice(0, -1) : action;
  return prefix.endsWith(".") ? { prefix } : { exact: action };
}
