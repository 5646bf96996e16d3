import { changesAccessFacts, type Access, type RecordAuthorizer } from "../access/index.js";
import type { Audit } from "../audit/index.js";
import { AppError, isAppError, newId, type Clock, type Principal } from "../kernel/index.js";
import type { RecordWriter, WriteOperation } from "./record-writer.js";
import { isSupportedType, type FhirResource, type SupportedType } from "./resources/index.js";
import type { VisibleRecords } from "./visible-records.js";

/** A transaction with more entries than this is refused as a whole; larger loads go through import. */
const maxEntries = 1000;

export type TransactionBundle = {
  resourceType: "Bundle";
  type: "transaction-response";
  entry: Array<{ response: { status: string; location?: string; etag?: string; lastModified?: string } }>;
};

interface PlannedEntry {
  index: number;
  method: "POST" | "PUT" | "DELETE";
  type: SupportedType;
  id: string;
  resource?: FhirResource | undefined;
  ifMatch?: number | undefined;
  ifNoneExist?: string | undefined;
}

const typeAndId = /^([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9\-.]{1,64})$/;
const typeOnly = /^([A-Z][A-Za-z]{1,63})$/;
const weakEtag = /^W\/"(\d{1,9})"$/;

/** FHIR R4 http.html#trules: deletes first, then creates, then updates. */
const processingOrder = { DELETE: 0, POST: 1, PUT: 2 } as const;

function invalid(index: number | undefined, path: string, detail: string): AppError {
  return new AppError("fhir.invalid_bundle", { expression: [index === undefined ? `Bundle.${path}` : `Bundle.entry[${index}].${path}`], detail });
}

/** Reads the entries of a transaction Bundle into planned operations; ids for new resources are assigned here. */
function plan(body: unknown, validate: (type: SupportedType, body: unknown) => FhirResource): { entries: PlannedEntry[]; newIds: Map<string, string> } {
  if (typeof body !== "object" || body === null || (body as { resourceType?: unknown }).resourceType !== "Bundle") throw invalid(undefined, "resourceType", "not a Bundle");
  const bundle = body as { type?: unknown; entry?: unknown };
  if (bundle.type !== "transaction") throw invalid(undefined, "type", "only transaction Bundles are processed");
  const rawEntries = bundle.entry ?? [];
  if (!Array.isArray(rawEntries)) throw invalid(undefined, "entry", "entry is not an array");
  if (rawEntries.length > maxEntries) throw invalid(undefined, "entry", `more than ${maxEntries} entries`);
  const newIds = new Map<string, string>();
  const entries = rawEntries.map((raw: unknown, index): PlannedEntry => {
    const entry = (typeof raw === "object" && raw !== null ? raw : {}) as { fullUrl?: unknown; resource?: unknown; request?: { method?: unknown; url?: unknown; ifMatch?: unknown; ifNoneExist?: unknown } };
    const method = entry.request?.method;
    const url = typeof entry.request?.url === "string" ? entry.request.url : "";
    if (method !== "POST" && method !== "PUT" && method !== "DELETE") throw invalid(index, "request.method", "only POST, PUT and DELETE are supported in a transaction");
    const match = method === "POST" ? typeOnly.exec(url) : typeAndId.exec(url);
    if (!match) throw invalid(index, "request.url", method === "POST" ? "expected <Type>" : "expected <Type>/<id>");
    const type = match[1]!;
    if (!isSupportedType(type)) throw new AppError("fhir.unsupported_type", { expression: [`Bundle.entry[${index}].request.url`] });
    const ifMatchText = entry.request?.ifMatch;
    const ifMatch = typeof ifMatchText === "string" ? weakEtag.exec(ifMatchText)?.[1] : undefined;
    if (typeof ifMatchText === "string" && ifMatch === undefined) throw invalid(index, "request.ifMatch", 'expected W/"<version>"');
    const ifNoneExist = typeof entry.request?.ifNoneExist === "string" ? entry.request.ifNoneExist : undefined;
    const id = method === "POST" ? newId() : match[2]!;
    if (method === "POST" && typeof entry.fullUrl === "string") {
      if (newIds.has(entry.fullUrl)) throw invalid(index, "fullUrl", "fullUrl used twice");
      newIds.set(entry.fullUrl, `${type}/${id}`);
    }
    let resource: FhirResource | undefined;
    if (method !== "DELETE") {
      try {
        resource = validate(type, entry.resource);
      } catch (error) {
        throw withEntryPath(error, index);
      }
      if (method === "PUT" && resource.id !== id) throw new AppError("fhir.id_mismatch", { expression: [`Bundle.entry[${index}].resource.id`] });
    }
    return { index, method, type, id, resource, ifMatch: ifMatch === undefined ? undefined : Number(ifMatch), ifNoneExist };
  });
  return { entries, newIds };
}

/** Replaces references to `urn:uuid:` full URLs of new entries with the ids assigned to them. */
function resolveReferences<T>(value: T, newIds: Map<string, string>): T {
  if (Array.isArray(value)) return value.map((item: unknown) => resolveReferences(item, newIds)) as T;
  if (typeof value !== "object" || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] = key === "reference" && typeof item === "string" && newIds.has(item) ? newIds.get(item) : resolveReferences(item, newIds);
  }
  return result as T;
}

function withEntryPath(error: unknown, index: number): unknown {
  if (!isAppError(error)) return error;
  const expression = (error.expression ?? []).map((path) => `Bundle.entry[${index}].resource.${path.replace(/^[A-Za-z]+\./, "")}`);
  return new AppError(error.code, { detail: error.detail, expression: expression.length > 0 ? expression : [`Bundle.entry[${index}]`], cause: error });
}

/**
 * Runs a transaction Bundle (FHIR R4 http.html#transaction) in one database transaction: an error in any entry
 * rolls back every entry, and the error names the entry.
 */
export async function runTransaction(
  deps: { audit: Pick<Audit, "transaction">; writer: RecordWriter; access: Access; visible: VisibleRecords; clock: Clock; validate: (type: SupportedType, body: unknown) => FhirResource; baseUrl: string },
  principal: Principal,
  body: unknown,
): Promise<TransactionBundle> {
  const { entries, newIds } = plan(body, deps.validate);
  const ordered = [...entries].sort((a, b) => processingOrder[a.method] - processingOrder[b.method] || a.index - b.index);
  const now = deps.clock.now();
  const responses = new Map<number, TransactionBundle["entry"][number]>();
  // The entries' audit records are appended together at the end, in the same transaction.
  await deps.audit.transaction(async (trx, batch) => {
    // An authorizer reads the access facts of a patient once. An entry that changes them (a Patient, an Encounter, a
    // CareTeam, a Consent) may grant or close what a later entry needs, so the next entry gets a fresh authorizer.
    let shared: RecordAuthorizer | undefined;
    for (const entry of ordered) {
      const authorizer = shared ?? deps.access.recordAuthorizer(principal, trx);
      shared = changesAccessFacts(entry.type) ? undefined : authorizer;
      try {
        if (entry.method === "POST" && entry.ifNoneExist !== undefined) {
          // As a plain conditional create: only a match the principal may see counts, and showing it is audited.
          // A hidden match is treated as none, so the answer (create, or its refusal) is the same as for no match.
          const existing = await deps.visible.visibleMatch(principal, authorizer, trx, entry.type, entry.ifNoneExist);
          if (existing) {
            await deps.visible.auditShown(principal, "fhir.search", entry.type, [existing], trx);
            const { row } = existing;
            responses.set(entry.index, {
              response: { status: "200 OK", location: `${row.resourceType}/${row.id}/_history/${row.version}`, etag: `W/"${row.version}"`, lastModified: row.lastUpdated.toISOString() },
            });
            continue;
          }
        }
        const resource = entry.resource && resolveReferences(entry.resource, newIds);
        const operation: WriteOperation =
          entry.method === "DELETE"
            ? { kind: "delete", type: entry.type, id: entry.id }
            : entry.method === "POST"
              ? { kind: "create", type: entry.type, id: entry.id, resource: resource! }
              : { kind: "update", type: entry.type, id: entry.id, resource: resource!, ifMatch: entry.ifMatch };
        const result = await deps.writer.apply(trx, batch, principal, authorizer, operation, now);
        const stored = result.stored;
        responses.set(
          entry.index,
          stored
            ? {
                response: {
                  status: entry.method === "POST" ? "201 Created" : "200 OK",
                  location: `${entry.type}/${entry.id}/_history/${stored.versionId}`,
                  etag: `W/"${stored.versionId}"`,
                  lastModified: stored.lastUpdated.toISOString(),
                },
              }
            : { response: { status: "204 No Content" } },
        );
      } catch (error) {
        throw withEntryPath(error, entry.index);
      }
    }
  });
  return { resourceType: "Bundle", type: "transaction-response", entry: entries.map((entry) => responses.get(entry.index)!) };
}
