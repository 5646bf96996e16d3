import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { accessReportView, apiError, recordAccessReviewRequest, type AccessReportView } from "../../../shared/api/index.js";
import { accessReportCsv, type AccessReport } from "../../identity/index.js";
import type { HttpServices } from "../context.js";
import { declareRoutePolicy, sessionApi } from "../route-policy.js";
import { requirePrincipal } from "../plugins/authenticate.js";

const errors = { 400: apiError, 401: apiError, 403: apiError };

/** The access review (security officer, administrators) and the administrators' account list. */
export function accessReviewRoutes(services: HttpServices): FastifyPluginAsyncZod {
  const { accessReview } = services.identity;
  return async (app) => {
    declareRoutePolicy(app, sessionApi("identity"));
    app.get("/api/access-review", { schema: { response: { 200: accessReportView, ...errors } } }, async (request) =>
      toView(await accessReview.report(requirePrincipal(request), "json")),
    );

    app.get("/api/access-review.csv", { schema: { response: { 200: z.string(), ...errors } } }, async (request, reply) => {
      const report = await accessReview.report(requirePrincipal(request), "csv");
      const day = report.generatedAt.toISOString().slice(0, 10);
      return reply
        .type("text/csv; charset=utf-8")
        .header("cache-control", "no-store")
        .header("content-disposition", `attachment; filename="mamori-access-review-${day}.csv"`)
        .send(accessReportCsv(report));
    });

    app.post("/api/access-review/records", { schema: { body: recordAccessReviewRequest, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
      await accessReview.record(requirePrincipal(request), request.body.note);
      return reply.code(204).send(null);
    });

    app.get("/api/admin/accounts", { schema: { response: { 200: accessReportView, ...errors } } }, async (request) =>
      toView(await accessReview.listAccounts(requirePrincipal(request))),
    );
  };
}

function toView(report: AccessReport): AccessReportView {
  return {
    generatedAt: report.generatedAt.getTime(),
    accounts: report.accounts.map((row) => ({
      ...row,
      createdAt: row.createdAt.getTime(),
      lastSignInAt: row.lastSignInAt?.getTime(),
      lockedUntil: row.lockedUntil?.getTime(),
    })),
    ...(report.lastReview
      ? { lastReview: { ...report.lastReview, reviewedAt: report.lastReview.reviewedAt.getTime() } }
      : {}),
  };
}
