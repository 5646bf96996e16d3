import { Readable } from "node:stream";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  apiError,
  auditFilterQuery,
  auditSearchQuery,
  auditSearchResponse,
  type AuditEntryView,
  type AuditFilterQuery,
} from "../../../shared/api/index.js";
import { csvByteOrderMark, csvHeader, csvRow, type AuditFilter, type RecordedAuditEntry } from "../../audit/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, sessionApi } from "../route-policy.js";
import { requirePrincipal } from "../plugins/authenticate.js";
import { stepUpGuardOf } from "../plugins/step-up.js";

const errors = { 400: apiError, 401: apiError, 403: apiError, 503: apiError };

/** The security officer's audit review (LOG-4): search as JSON, export as CSV. Authorization is in the audit module. */
export function auditRoutes(services: HttpServices): FastifyPluginAsyncZod {
  // Searching shows one page on screen; exporting takes the whole trail away, so it needs a recent second factor.
  const requireRecentMfa = stepUpGuardOf(services);
  return async (app) => {
    declareRoutePolicy(app, sessionApi("audit"));
    app.get(
      "/api/audit/entries",
      { schema: { querystring: auditSearchQuery, response: { 200: auditSearchResponse, ...errors } } },
      async (request) => {
        const { limit, before, ...conditions } = request.query;
        const page = await services.auditQuery.search(requirePrincipal(request), { ...toFilter(conditions), limit, before });
        return { entries: page.entries.map(toView), ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}) };
      },
    );

    // A plain link in the UI downloads this; the SameSite=Strict session cookie authenticates it.
    app.get(
      "/api/audit/entries.csv",
      // 200 is a stream of CSV text, which Fastify sends as is (no serializer runs on a stream).
      { config: { policy: { authentication: "step-up" } }, schema: { querystring: auditFilterQuery, response: { 200: z.instanceof(Readable), ...errors } } },
      async (request, reply) => {
        const entries = await services.auditQuery.export(requireRecentMfa(request), toFilter(request.query));
        const day = services.clock.now().toISOString().slice(0, 10);
        return reply
          .type("text/csv; charset=utf-8")
          .header("content-disposition", `attachment; filename="mamori-audit-${day}.csv"`)
          .send(Readable.from(csvLines(entries)));
      },
    );
  };
}

async function* csvLines(entries: AsyncIterable<RecordedAuditEntry>): AsyncGenerator<string> {
  yield csvByteOrderMark + csvHeader();
  for await (const entry of entries) yield csvRow(entry);
}

function toFilter(query: AuditFilterQuery): AuditFilter {
  return { ...query, from: query.from === undefined ? undefined : new Date(query.from), to: query.to === undefined ? undefined : new Date(query.to) };
}

function toView(entry: RecordedAuditEntry): AuditEntryView {
  return {
    seq: entry.seq,
    at: entry.at,
    action: entry.action,
    outcome: entry.outcome,
    reasonCode: entry.reasonCode,
    accountId: entry.actor?.accountId,
    roles: [...(entry.actor?.roles ?? [])],
    sessionId: entry.actor?.sessionId,
    resourceType: entry.resource?.type,
    resourceId: entry.resource?.id,
    patientId: entry.patientId,
    ip: entry.network?.ip ?? "",
    userAgent: entry.network?.userAgent ?? "",
    breakGlass: entry.breakGlass,
  };
}
